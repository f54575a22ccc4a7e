/*
 * book.c: the plan of the EPUB. Decides the content documents (one per
 * CHAPTER; blocks standing loose under the DOCUMENT get one of their own),
 * their navigation labels and nesting, and the book-wide metadata with its
 * defaults: title, language, identifier, modification time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/sha256.h"
#include "epub_internal.h"

/* Labels cut from a chapter's first words are at most this many bytes. */
#define S_LABEL_MAX 60

void qr_epub_format_time(time_t t, char out[24])
{
    /* EPUB 3.3 3.4.x: dcterms:modified is "CCYY-MM-DDThh:mm:ssZ", in UTC. */
    if (t < 0)
        t = 0;
    if ((long long)t > 253402300799LL) /* 9999-12-31T23:59:59Z */
        t = (time_t)253402300799LL;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void qr_epub_content_uuid(const char *data, size_t len, qr_buf *out)
{
    uint8_t d[QR_SHA256_LEN];
    qr_sha256(data, len, d);
    /* RFC 9562 5.8 (UUID version 8, custom): the version nibble is 8 and the
     * variant bits are 10 (RFC 4122 4.1.1); the rest is the hash. */
    d[6] = (uint8_t)((d[6] & 0x0F) | 0x80);
    d[8] = (uint8_t)((d[8] & 0x3F) | 0x80);
    qr_buf_adds(out, "urn:uuid:");
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            qr_buf_addc(out, '-');
        qr_buf_addf(out, "%02x", d[i]);
    }
}

static int S_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Arena: s[0..len) with runs of white space made one space, and trimmed;
 * NULL when nothing is left. */
static const char *S_collapse(qr_arena *a, const char *s, size_t len)
{
    char *out = qr_arena_alloc(a, len + 1);
    size_t n = 0;
    int pending = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (S_space(c)) {
            pending = n > 0;
            continue;
        }
        if (pending)
            out[n++] = ' ';
        pending = 0;
        out[n++] = (char)c;
    }
    out[n] = '\0';
    return n ? out : NULL;
}

/* Whether c is ASCII punctuation that may frame a text (e.g. "*** END"). */
static int S_frame_punct(unsigned char c)
{
    return c == '*' || c == '#' || c == '=' || c == '-' || c == '_' || c == '~' || c == ' ' ||
           c == '+' || c == '|' || c == '<' || c == '>' || c == '[' || c == ']';
}

/* Arena: a label made of the first words of text[0..len): white space
 * collapsed, framing punctuation ("*** END ... ***") dropped, cut at a word
 * boundary with an ellipsis when long. NULL when nothing is left. */
static const char *S_label_from(qr_arena *a, const char *text, size_t len)
{
    const char *s = S_collapse(a, text, len);
    if (!s)
        return NULL;
    while (S_frame_punct((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    int cut = 0;
    if (n > S_LABEL_MAX) {
        /* cut at the last space that keeps the label short; UTF-8 safe
         * because a space never sits inside a sequence */
        size_t at = S_LABEL_MAX;
        while (at > 0 && s[at] != ' ')
            at--;
        if (at == 0) { /* one long word (CJK text): cut before a lead byte */
            at = S_LABEL_MAX;
            while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
                at--;
        }
        n = at;
        cut = 1;
    }
    while (n > 0 && (S_frame_punct((unsigned char)s[n - 1]) || s[n - 1] == ',' || s[n - 1] == ';' ||
                     s[n - 1] == ':'))
        n--;
    if (n == 0)
        return NULL;
    return qr_arena_printf(a, "%.*s%s", (int)n, s, cut ? "\xE2\x80\xA6" : "");
}

/* Arena: a label from the first block of the unit that gives one (its first
 * words), or NULL. Reads only as much text as a label needs, and gives up
 * after a few blocks. */
static const char *S_first_words(qr_arena *a, const qr_epub_unit *u, qr_buf *tmp)
{
    int blocks = 0;
    qr_buf_reset(tmp);
    for (const qr_node *top = u->first; top && blocks < 16;
         top = top == u->last ? NULL : qr_node_next(top)) {
        qr_iter it;
        qr_iter_init(&it, top);
        qr_event ev;
        while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
            const qr_node *n = qr_iter_node(&it);
            qr_node_type t = qr_node_get_type(n);
            if (t == QR_NODE_TEXT && ev == QR_EV_ENTER && tmp->len < 4 * S_LABEL_MAX) {
                size_t len;
                const char *s = qr_node_text(n, &len);
                qr_buf_add(tmp, s, len < 4 * S_LABEL_MAX ? len : 4 * S_LABEL_MAX);
            } else if (t == QR_NODE_LINE_BREAK) {
                qr_buf_addc(tmp, ' ');
            } else if (ev == QR_EV_EXIT && qr_node_is_block(n) && tmp->len > 0) {
                /* the end of a block with text: its words, if any are left */
                const char *label = S_label_from(a, tmp->ptr, tmp->len);
                if (label || ++blocks >= 16)
                    return label;
                qr_buf_reset(tmp);
            }
        }
    }
    return tmp->len ? S_label_from(a, tmp->ptr, tmp->len) : NULL;
}

/* Borrowed (static): a label for a unit without any text. */
static const char *S_kind_fallback(qr_chapter_kind kind)
{
    switch (kind) {
    case QR_CHAPTER_FRONT: return "Front matter";
    case QR_CHAPTER_BACK: return "Back matter";
    case QR_CHAPTER_PART: return "Part";
    case QR_CHAPTER_BODY: break;
    }
    return "Chapter";
}

/* Arena: s trimmed and collapsed, or NULL when s is NULL or blank. */
static const char *S_meta_str(qr_arena *a, const char *s)
{
    return s ? S_collapse(a, s, strlen(s)) : NULL;
}

/* Borrowed: a new zeroed unit at the end of bk->units (valid until the next
 * call, which may move the array). */
static qr_epub_unit *S_add_unit(qr_epub_book *bk, int *cap)
{
    if (bk->n_units == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        bk->units = xrealloc(bk->units, sizeof *bk->units * (size_t)*cap);
    }
    qr_epub_unit *u = &bk->units[bk->n_units++];
    memset(u, 0, sizeof *u);
    return u;
}

int qr_epub_heading_level(const qr_epub_unit *u, const qr_node *h)
{
    if (h == u->title)
        return 1;
    int level = qr_node_level(h);
    int lo = 1;
    if (u->title) {
        level = level - qr_node_level(u->title) + 1;
        lo = 2;
    }
    if (level < lo)
        level = lo;
    if (level > 6)
        level = 6;
    return level;
}

/* Images ------------------------------------------------------------------ */

/* The extension for a media type EPUB 3.3 lists among its core image types,
 * or NULL. */
static const char *S_image_ext(const char *type)
{
    static const char *const types[][2] = {
        {"image/png", ".png"},   {"image/jpeg", ".jpg"},    {"image/gif", ".gif"},
        {"image/webp", ".webp"}, {"image/svg+xml", ".svg"},
    };
    for (size_t i = 0; type && i < QR_ARRAY_LEN(types); i++)
        if (strcmp(type, types[i][0]) == 0)
            return types[i][1];
    return NULL;
}

static int S_href_taken(const qr_epub_book *bk, const char *href)
{
    if (bk->cover_href && strcmp(href, bk->cover_href) == 0)
        return 1;
    for (int i = 0; i < bk->n_images; i++)
        if (strcmp(bk->images[i].href, href) == 0)
            return 1;
    return 0;
}

/* A safe, unique href under images/ for img: the base of its name in
 * letters, digits, '-' and '_' (at most 40 bytes), a number when taken, and
 * the extension of its media type. */
static void S_image_href(const qr_epub_book *bk, const qr_image *img, const char *ext,
                         char *out, size_t size)
{
    char base[48];
    size_t n = 0;
    const char *name = img->name ? img->name : "";
    const char *slash = strrchr(name, '/');
    if (slash)
        name = slash + 1;
    const char *dot = strrchr(name, '.');
    size_t end = dot && dot != name ? (size_t)(dot - name) : strlen(name);
    for (size_t i = 0; i < end && n < 40; i++) {
        char c = name[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')
            base[n++] = c;
        else if (c >= 'A' && c <= 'Z')
            base[n++] = (char)(c - 'A' + 'a');
        else if (n > 0 && base[n - 1] != '-')
            base[n++] = '-';
    }
    while (n > 0 && base[n - 1] == '-')
        n--;
    base[n] = '\0';
    if (n == 0)
        snprintf(base, sizeof base, "image");
    snprintf(out, size, QR_EPUB_IMAGE_DIR "%s%s", base, ext);
    for (int k = 2; S_href_taken(bk, out); k++)
        snprintf(out, size, QR_EPUB_IMAGE_DIR "%s-%d%s", base, k, ext);
}

const qr_epub_image *qr_epub_find_image(const qr_epub_book *bk, const qr_image *img)
{
    if (!img)
        return NULL;
    for (int i = 0; i < bk->n_images; i++)
        if (bk->images[i].image == img)
            return &bk->images[i];
    /* another qr_image with the same name and bytes: the same file */
    for (int i = 0; i < bk->n_images; i++) {
        const qr_image *o = bk->images[i].image;
        if (o->len == img->len && o->name && img->name && strcmp(o->name, img->name) == 0 &&
            memcmp(o->data, img->data, img->len) == 0)
            return &bk->images[i];
    }
    return NULL;
}

/* Adds img to the images stored, unless it is there already or cannot be. */
static void S_add_image(qr_epub_book *bk, const qr_image *img, int *cap)
{
    const char *ext = img ? S_image_ext(img->type) : NULL;
    if (!ext || !img->data || img->len == 0 || qr_epub_find_image(bk, img))
        return;
    if (bk->n_images == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        bk->images = xrealloc(bk->images, sizeof *bk->images * (size_t)*cap);
    }
    qr_epub_image *e = &bk->images[bk->n_images];
    memset(e, 0, sizeof *e);
    e->image = img;
    snprintf(e->id, sizeof e->id, "image-%03d", bk->n_images + 1);
    S_image_href(bk, img, ext, e->href, sizeof e->href);
    bk->n_images++;
}

int qr_epub_code_font(const qr_epub_book *bk)
{
    return bk->has_code && bk->opt->code_font != NULL;
}

/* Counts a stored image's alt text, and warns when it has none: a reader
 * who cannot see it learns nothing of it (WCAG 1.1.1). */
static void S_check_alt(qr_epub_book *bk, const qr_node *img, qr_buf *tmp)
{
    qr_buf_reset(tmp);
    qr_node_plain_text(img, tmp);
    size_t i = 0;
    while (i < tmp->len && (tmp->ptr[i] == ' ' || tmp->ptr[i] == '\t' || tmp->ptr[i] == '\n'))
        i++;
    if (i < tmp->len) {
        bk->n_alt++;
        return;
    }
    bk->n_no_alt++;
    int line = 0;
    const char *file = NULL;
    for (const qr_node *n = img; n && !line; n = qr_node_parent(n)) {
        int l = 0;
        const char *f = qr_node_source(n, &l);
        if (f && (!file || l))
            file = f;
        if (f && l)
            line = l;
    }
    const qr_image *im = qr_node_image(img);
    const char *name = im && im->name ? im->name : qr_node_url(img);
    qr_warn(file, line, 0,
            "image '%s' has no alt text: describe it in the brackets, ![a short description](...)",
            name ? name : "");
}

/* Walks the whole unit once: its heading ids and the h2/h3 for the
 * navigation, whether it has code, the images it uses. Headings inside
 * notes get no id (notes are written at the chapter's end). */
static void S_scan_unit(qr_epub_book *bk, qr_epub_unit *u, int *image_cap, qr_buf *tmp)
{
    int cap = 0, in_note = 0, have_h2 = 0;
    for (const qr_node *top = u->first; top; top = top == u->last ? NULL : qr_node_next(top)) {
        qr_iter it;
        qr_iter_init(&it, top);
        qr_event ev;
        while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
            const qr_node *n = qr_iter_node(&it);
            qr_node_type t = qr_node_get_type(n);
            if (t == QR_NODE_NOTE) {
                in_note += ev == QR_EV_ENTER ? 1 : -1;
                continue;
            }
            if (ev != QR_EV_ENTER)
                continue;
            if (t == QR_NODE_CODE || t == QR_NODE_CODE_BLOCK) {
                u->has_code = 1;
            } else if (t == QR_NODE_IMAGE) {
                S_add_image(bk, qr_node_image(n), image_cap);
                if (qr_epub_find_image(bk, qr_node_image(n)))
                    S_check_alt(bk, n, tmp);
            } else if (t == QR_NODE_HEADING && n != u->title && !in_note) {
                int number = ++u->n_heading_ids;
                int level = qr_epub_heading_level(u, n);
                if (n != top || level > 3)
                    continue;
                qr_buf_reset(tmp);
                qr_node_plain_text(n, tmp);
                const char *label = S_collapse(bk->arena, tmp->ptr, tmp->len);
                if (!label)
                    continue;
                if (u->n_headings == cap) {
                    int ncap = cap ? cap * 2 : 8;
                    qr_epub_heading *h = qr_arena_alloc(bk->arena, sizeof *h * (size_t)ncap);
                    if (u->n_headings)
                        memcpy(h, u->headings, sizeof *h * (size_t)u->n_headings);
                    u->headings = h;
                    cap = ncap;
                }
                /* an h3 with no h2 before it in the chapter stands at the h2's place */
                qr_epub_heading *h = &u->headings[u->n_headings++];
                h->label = label;
                h->number = number;
                h->depth = level == 3 && have_h2 ? 2 : 1;
                if (level == 2)
                    have_h2 = 1;
            }
        }
    }
}

/* Splits the DOCUMENT's children into units. */
static void S_units(qr_epub_book *bk)
{
    const qr_node *root = qr_doc_root(bk->doc);
    int cap = 0;
    int open_part = -1; /* the part level-2 chapters nest in */
    const qr_node *n = qr_node_first_child(root);
    /* the book's own title page is the title page (EPUB 3 SSV titlepage),
     * a document of its own; the front matter after it another */
    const qr_node *tp_last, *tp = qr_doc_title_page(bk->doc, &tp_last);
    if (tp) {
        qr_epub_unit *u = S_add_unit(bk, &cap);
        u->chapter = n;
        u->first = tp;
        u->last = tp_last;
        u->kind = QR_CHAPTER_FRONT;
        u->title_page = 1;
        bk->own_title_page = 1;
        if (qr_node_next(tp_last)) {
            u = S_add_unit(bk, &cap);
            u->chapter = n;
            u->first = qr_node_next(tp_last);
            u->last = qr_node_last_child(n);
            u->kind = QR_CHAPTER_FRONT;
        }
        n = qr_node_next(n);
    }
    while (n) {
        qr_epub_unit *u = S_add_unit(bk, &cap);
        if (qr_node_get_type(n) == QR_NODE_CHAPTER) {
            u->chapter = n;
            u->first = qr_node_first_child(n);
            u->last = qr_node_last_child(n);
            u->kind = qr_node_chapter_kind(n);
            if (qr_node_level(n) >= 2 && open_part >= 0) {
                u->nested = 1;
                bk->units[open_part].has_nested = 1;
            } else {
                open_part = u->kind == QR_CHAPTER_PART ? bk->n_units - 1 : -1;
            }
            n = qr_node_next(n);
        } else {
            /* a run of blocks outside any chapter: a body chapter of its own */
            u->first = n;
            while (qr_node_next(n) && qr_node_get_type(qr_node_next(n)) != QR_NODE_CHAPTER)
                n = qr_node_next(n);
            u->last = n;
            u->kind = QR_CHAPTER_BODY;
            open_part = -1;
            n = qr_node_next(n);
        }
        if (!u->first) /* an empty chapter */
            u->last = NULL;
    }
    if (bk->n_units == 0) {
        /* EPUB 3.3: the spine has at least one item; an empty book gets one
         * empty chapter. */
        qr_epub_unit *u = S_add_unit(bk, &cap);
        u->kind = QR_CHAPTER_BODY;
    }
}

int qr_epub_plan(qr_epub_book *bk, const qr_doc *doc, const qr_epub_options *opt, qr_error *err)
{
    QR_UNUSED(err);
    memset(bk, 0, sizeof *bk);
    bk->doc = doc;
    bk->opt = opt;
    bk->arena = qr_arena_new();
    qr_arena *a = bk->arena;
    const qr_meta *m = qr_doc_meta_const(doc);
    qr_buf tmp = QR_BUF_INIT;
    int image_cap = 0;

    bk->lang = qr_lang_tag_ok(m->language) ? m->language : "en";
    if (m->cover_data && m->cover_len > 0 && m->cover_type)
        bk->cover_href = strcmp(m->cover_type, "image/png") == 0 ? QR_EPUB_IMAGE_DIR "cover.png"
                                                                 : QR_EPUB_IMAGE_DIR "cover.jpg";
    S_units(bk);

    bk->first_body = -1;
    bk->nav_pos = -1;
    bk->nav_depth = 1;
    for (int i = 0, number = 0; i < bk->n_units; i++) {
        qr_epub_unit *u = &bk->units[i];
        if (u->title_page) {
            snprintf(u->id, sizeof u->id, "titlepage");
            snprintf(u->href, sizeof u->href, QR_EPUB_TITLE_PAGE);
        } else {
            number++;
            snprintf(u->id, sizeof u->id, "chapter-%03d", number);
            snprintf(u->href, sizeof u->href, QR_EPUB_TEXT_DIR "chapter-%03d.xhtml", number);
        }
        for (const qr_node *c = u->first; c; c = c == u->last ? NULL : qr_node_next(c))
            if (qr_node_get_type(c) == QR_NODE_HEADING) {
                u->title = c;
                break;
            }
        if (u->title) {
            qr_buf_reset(&tmp);
            qr_node_plain_text(u->title, &tmp);
            u->title_text = S_collapse(a, tmp.ptr, tmp.len);
        }
        u->label = u->title_text;
        if (!u->label)
            u->label = S_first_words(a, u, &tmp);
        if (!u->label)
            u->label = u->kind == QR_CHAPTER_BODY
                           ? qr_arena_printf(a, "%s %d", S_kind_fallback(u->kind), i + 1)
                           : S_kind_fallback(u->kind);
        const char *lang = u->chapter ? qr_node_effective_lang(doc, u->chapter) : bk->lang;
        u->lang = qr_lang_tag_ok(lang) ? lang : bk->lang;
        u->source = u->chapter ? qr_node_source(u->chapter, NULL) : NULL;
        if (!u->source && u->first)
            u->source = qr_node_source(u->first, NULL);
        S_scan_unit(bk, u, &image_cap, &tmp);
        if (u->has_code)
            bk->has_code = 1;
        int depth = u->nested ? 2 : 1;
        for (int k = 0; k < u->n_headings; k++)
            if (depth + u->headings[k].depth > bk->nav_depth)
                bk->nav_depth = depth + u->headings[k].depth;
        if (depth > bk->nav_depth)
            bk->nav_depth = depth;
        if (bk->first_body < 0 && (u->kind == QR_CHAPTER_BODY || u->kind == QR_CHAPTER_PART))
            bk->first_body = i;
        if (bk->nav_pos < 0 && u->kind != QR_CHAPTER_FRONT)
            bk->nav_pos = i;
    }
    if (bk->nav_pos < 0)
        bk->nav_pos = bk->n_units;

    bk->title = S_meta_str(a, m->title);
    for (int i = 0; !bk->title && i < bk->n_units; i++)
        bk->title = bk->units[i].title_text;
    if (!bk->title)
        bk->title = "Untitled";
    bk->subtitle = S_meta_str(a, m->subtitle);

    if (m->isbn && *m->isbn)
        bk->isbn_urn = qr_arena_printf(a, "urn:isbn:%s", m->isbn);
    bk->identifier = S_meta_str(a, m->identifier);
    if (!bk->identifier)
        bk->identifier = bk->isbn_urn; /* an ISBN is the book's own identifier */
    if (!bk->identifier) {
        /* No identifier given: derive one from the content, so that the same
         * text always gives the same book (never random). */
        qr_buf_reset(&tmp);
        qr_doc_dump(doc, &tmp);
        qr_buf id = QR_BUF_INIT;
        qr_epub_content_uuid(tmp.ptr, tmp.len, &id);
        bk->identifier = qr_arena_strdup(a, id.ptr);
        qr_buf_release(&id);
    }
    /* the print edition's pages: the first one in each text node */
    if (opt->n_pages > 0) {
        bk->page_unit = xmalloc(sizeof *bk->page_unit * (size_t)opt->n_pages);
        for (int i = opt->n_pages; i-- > 0;) {
            bk->page_unit[i] = -1;
            qr_ptrmap_put(&bk->page_at, opt->pages[i].node, (size_t)i);
        }
    }
    qr_epub_format_time(opt->modified, bk->modified);
    bk->css_href = qr_arena_printf(a, QR_EPUB_STYLE_DIR "%s", opt->stylesheet->name);
    qr_buf_release(&tmp);
    return 0;
}

void qr_epub_book_free(qr_epub_book *bk)
{
    qr_ptrmap_free(&bk->page_at);
    free(bk->page_unit);
    bk->page_unit = NULL;
    free(bk->images);
    bk->images = NULL;
    free(bk->units);
    bk->units = NULL;
    qr_arena_free(bk->arena);
    bk->arena = NULL;
}
