/*
 * xhtml.c: one XHTML content document per unit of the plan (EPUB 3.3
 * "XHTML content documents": HTML in the XML syntax).
 *
 *   <html xmlns=".." xmlns:epub=".." xml:lang="L" lang="L">
 *   <head><title>..</title><link rel="stylesheet" ../></head>
 *   <body><section epub:type=".." role=".."> blocks </section></body>
 *
 * The blocks are written with the model's ENTER/EXIT iterator, so nesting
 * depth costs no stack (10,000 nested quotes or lists are 10,000 open
 * elements in libxml2's writer, not 10,000 C frames).
 *
 * Notes (NOTE) are numbered per chapter in the order they are met: a
 * noteref where the note stands, and the notes themselves as asides at the
 * chapter's end. Links keep only safe targets (S_link_href).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "epub_internal.h"

/* The notes of a chapter, in the order they are numbered: note k (from 1)
 * is notes[k - 1]. */
typedef struct S_ctx {
    const qr_epub_book *bk;
    const qr_epub_unit *u;
    qr_xw *x;
    int n_headings;            /* headings with an id so far */
    int in_note;               /* writing the notes: headings get no id */
    const qr_node *open_link;  /* the LINK whose <a> is open, or NULL */
    const qr_node **notes;     /* owned */
    int n_notes, cap_notes;
    int *pending;              /* owned: note numbers to refer to once the <a> closes */
    int n_pending, cap_pending;
    int backlink;              /* the note whose back link the next <p> opens with */
    qr_buf tmp;
} S_ctx;

/* xml:lang and lang when n's own language differs from the one in force
 * around it (HTML: both attributes, with the same value). */
static void S_lang_attrs(S_ctx *c, const qr_node *n)
{
    const char *lang = qr_node_lang(n);
    if (!lang || !qr_lang_tag_ok(lang))
        return;
    const qr_node *parent = qr_node_parent(n);
    const char *around = c->u->lang;
    if (parent && parent != c->u->chapter && qr_node_get_type(parent) != QR_NODE_DOCUMENT)
        around = qr_node_effective_lang(c->bk->doc, parent);
    if (strcmp(lang, around) == 0)
        return;
    qr_xw_attr(c->x, "xml:lang", lang);
    qr_xw_attr(c->x, "lang", lang);
}

/* Notes ------------------------------------------------------------------ */

/* The noteref of note k (EPUB 3 SSV noteref, DPUB-ARIA doc-noteref). */
static void S_noteref(S_ctx *c, int k)
{
    char href[32], id[32], num[16];
    snprintf(href, sizeof href, "#fn-%d", k);
    snprintf(id, sizeof id, "fnref-%d", k);
    snprintf(num, sizeof num, "%d", k);
    qr_xw_start(c->x, "a");
    qr_xw_attr(c->x, "class", "noteref");
    qr_xw_attr(c->x, "epub:type", "noteref");
    qr_xw_attr(c->x, "role", "doc-noteref");
    qr_xw_attr(c->x, "href", href);
    qr_xw_attr(c->x, "id", id);
    qr_xw_texts(c->x, num);
    qr_xw_close(c->x);
}

/* Numbers the note and refers to it here, or after the open link (an <a>
 * may not hold another). */
static void S_note(S_ctx *c, const qr_node *note)
{
    if (c->n_notes == c->cap_notes) {
        c->cap_notes = c->cap_notes ? c->cap_notes * 2 : 16;
        c->notes = xrealloc(c->notes, sizeof *c->notes * (size_t)c->cap_notes);
    }
    c->notes[c->n_notes++] = note;
    if (!c->open_link) {
        S_noteref(c, c->n_notes);
        return;
    }
    if (c->n_pending == c->cap_pending) {
        c->cap_pending = c->cap_pending ? c->cap_pending * 2 : 8;
        c->pending = xrealloc(c->pending, sizeof *c->pending * (size_t)c->cap_pending);
    }
    c->pending[c->n_pending++] = c->n_notes;
}

static void S_flush_pending(S_ctx *c)
{
    for (int i = 0; i < c->n_pending; i++)
        S_noteref(c, c->pending[i]);
    c->n_pending = 0;
}

/* The notes inside n's subtree (an image's alt text), numbered in order. */
static void S_notes_below(S_ctx *c, const qr_node *n)
{
    qr_iter it;
    qr_iter_init(&it, n);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        qr_node *d = qr_iter_node(&it);
        if (ev == QR_EV_ENTER && d != n && qr_node_get_type(d) == QR_NODE_NOTE) {
            S_note(c, d);
            it.node = d; /* its own notes are numbered when it is written */
            it.ev = QR_EV_EXIT;
        }
    }
}

static void S_backlink(S_ctx *c, int k)
{
    char href[32], num[16];
    snprintf(href, sizeof href, "#fnref-%d", k);
    snprintf(num, sizeof num, "%d", k);
    qr_xw_start(c->x, "a");
    qr_xw_attr(c->x, "class", "backlink");
    qr_xw_attr(c->x, "role", "doc-backlink");
    qr_xw_attr(c->x, "href", href);
    qr_xw_texts(c->x, num);
    qr_xw_close(c->x);
    qr_xw_texts(c->x, " ");
}

/* Links ------------------------------------------------------------------ */

static int S_scheme_is(const char *url, size_t scheme_len, const char *scheme)
{
    return strlen(scheme) == scheme_len && strncasecmp(url, scheme, scheme_len) == 0;
}

/* Whether frag names an element of unit u that always exists there. */
static int S_fragment_ok(const qr_epub_unit *u, const char *frag)
{
    if (strcmp(frag, "title") == 0)
        return u->title != NULL;
    if (strncmp(frag, "heading-", 8) != 0 || frag[8] < '1' || frag[8] > '9')
        return 0;
    char *end;
    long k = strtol(frag + 8, &end, 10);
    return *end == '\0' && k >= 1 && k <= u->n_heading_ids;
}

/* Borrowed (static): the last component of a path. */
static const char *S_basename(const char *path, size_t len, size_t *out_len)
{
    size_t i = len;
    while (i > 0 && path[i - 1] != '/')
        i--;
    *out_len = len - i;
    return path + i;
}

/* Appends to out the URL with every byte outside RFC 3986's unreserved,
 * reserved and '%' characters percent-encoded (spaces, quotes, non-ASCII). */
static void S_add_url(qr_buf *out, const char *s, size_t len)
{
    static const char safe[] = "-._~:/?#[]@!$&'()*+,;=%";
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
            (ch && strchr(safe, ch)))
            qr_buf_addc(out, (char)ch);
        else
            qr_buf_addf(out, "%%%02X", ch);
    }
}

/*
 * The href a LINK may have, into out; 0 when it gets none and is written as
 * plain text. Kept: http, https and mailto URLs, and targets inside the book:
 * "#id" naming an element of this chapter, or a path naming the file a
 * chapter was read from ("02-storm.md", "seeds/02-storm.md#heading-1"),
 * which becomes that chapter's document. Anything else (javascript:, data:,
 * file:, a path to no chapter) is no link at all.
 */
static int S_link_href(const S_ctx *c, const char *url, qr_buf *out)
{
    qr_buf_reset(out);
    if (!url)
        return 0;
    while (*url == ' ' || *url == '\t' || *url == '\n')
        url++;
    size_t len = strlen(url);
    while (len > 0 && (url[len - 1] == ' ' || url[len - 1] == '\t' || url[len - 1] == '\n'))
        len--;
    if (len == 0)
        return 0;
    /* RFC 3986 3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" */
    size_t i = 0;
    if ((url[0] >= 'a' && url[0] <= 'z') || (url[0] >= 'A' && url[0] <= 'Z')) {
        i = 1;
        while (i < len && ((url[i] >= 'a' && url[i] <= 'z') || (url[i] >= 'A' && url[i] <= 'Z') ||
                           (url[i] >= '0' && url[i] <= '9') || url[i] == '+' || url[i] == '-' ||
                           url[i] == '.'))
            i++;
        if (i < len && url[i] == ':') {
            if (!S_scheme_is(url, i, "http") && !S_scheme_is(url, i, "https") &&
                !S_scheme_is(url, i, "mailto"))
                return 0;
            if (len == i + 1)
                return 0;
            S_add_url(out, url, len);
            return 1;
        }
    }
    /* no scheme: a target inside the book, or nothing */
    const char *hash = memchr(url, '#', len);
    size_t path_len = hash ? (size_t)(hash - url) : len;
    const char *frag = hash ? hash + 1 : NULL;
    size_t frag_len = hash ? len - path_len - 1 : 0;
    char fragbuf[64];
    if (frag) {
        if (frag_len == 0 || frag_len >= sizeof fragbuf)
            frag = NULL;
        else {
            memcpy(fragbuf, frag, frag_len);
            fragbuf[frag_len] = '\0';
            frag = fragbuf;
        }
    }
    if (path_len == 0) {
        if (!frag || !S_fragment_ok(c->u, frag))
            return 0;
        qr_buf_addf(out, "#%s", frag);
        return 1;
    }
    if (memchr(url, '?', path_len))
        return 0;
    size_t blen;
    const char *base = S_basename(url, path_len, &blen);
    if (blen == 0)
        return 0;
    for (int k = 0; k < c->bk->n_units; k++) {
        const qr_epub_unit *t = &c->bk->units[k];
        if (!t->source)
            continue;
        size_t slen;
        const char *sb = S_basename(t->source, strlen(t->source), &slen);
        if (slen != blen || memcmp(sb, base, blen) != 0)
            continue;
        /* units are all in text/: the target's file name alone */
        qr_buf_adds(out, t->href + strlen(QR_EPUB_TEXT_DIR));
        if (frag && S_fragment_ok(t, frag))
            qr_buf_addf(out, "#%s", frag);
        return 1;
    }
    return 0;
}

/* Print pages ------------------------------------------------------------ */

/* The marker of print page k (EPUB 3 SSV pagebreak, DPUB-ARIA
 * doc-pagebreak, labelled with the folio as printed). */
static void S_pagebreak(S_ctx *c, int k)
{
    const qr_epub_page *pg = &c->bk->opt->pages[k];
    char id[48];
    snprintf(id, sizeof id, "page-%s", pg->label);
    qr_xw_start(c->x, "span");
    qr_xw_attr(c->x, "epub:type", "pagebreak");
    qr_xw_attr(c->x, "role", "doc-pagebreak");
    qr_xw_attr(c->x, "id", id);
    qr_xw_attr(c->x, "aria-label", pg->label);
    qr_xw_close(c->x);
    c->bk->page_unit[k] = (int)(c->u - c->bk->units);
}

/* The first print page that begins in text node n, or -1. */
static int S_first_page(const S_ctx *c, const qr_node *n)
{
    size_t k;
    if (c->bk->opt->n_pages == 0 || !qr_ptrmap_get(&c->bk->page_at, n, &k))
        return -1;
    return (int)k;
}

/* Writes the text of node n, with the markers of the print pages that
 * begin in it before their bytes (moved back to a character's first byte,
 * should one fall inside it). */
static void S_text(S_ctx *c, const qr_node *n, const char *s, size_t len)
{
    int k = S_first_page(c, n);
    if (k < 0) {
        qr_xw_text(c->x, s, len);
        return;
    }
    const qr_epub_options *o = c->bk->opt;
    size_t at = 0;
    for (; k < o->n_pages && o->pages[k].node == n; k++) {
        size_t off = o->pages[k].off < len ? o->pages[k].off : len;
        while (off > at && ((unsigned char)s[off] & 0xC0) == 0x80)
            off--;
        if (off > at)
            qr_xw_text(c->x, s + at, off - at);
        S_pagebreak(c, k);
        at = off;
    }
    if (at < len)
        qr_xw_text(c->x, s + at, len - at);
}

/* The markers of pages that begin inside n's text leaves, when that text
 * is not written as itself (an image's alt text set in its place). */
static void S_pages_below(S_ctx *c, const qr_node *n)
{
    if (c->bk->opt->n_pages == 0)
        return;
    qr_iter it;
    qr_iter_init(&it, n);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
        const qr_node *d = qr_iter_node(&it);
        int k = ev == QR_EV_ENTER ? S_first_page(c, d) : -1;
        for (; k >= 0 && k < c->bk->opt->n_pages && c->bk->opt->pages[k].node == d; k++)
            S_pagebreak(c, k);
    }
}

int qr_epub_pages_written(const qr_epub_book *bk)
{
    int n = 0;
    for (int k = 0; k < bk->opt->n_pages; k++)
        n += bk->page_unit[k] >= 0;
    return n;
}

/* Blocks and inlines ---------------------------------------------------- */

/* Whether a PARAGRAPH is written without <p>: in a tight list's item. */
static int S_bare_paragraph(const qr_node *p)
{
    const qr_node *item = qr_node_parent(p);
    if (!item || qr_node_get_type(item) != QR_NODE_LIST_ITEM)
        return 0;
    const qr_node *list = qr_node_parent(item);
    return list && qr_node_get_type(list) == QR_NODE_LIST && qr_node_list_tight(list);
}

/* Writes an image: <img src alt/> when stored, else its alt text. */
static void S_image(S_ctx *c, const qr_node *img)
{
    const qr_epub_image *e = qr_epub_find_image(c->bk, qr_node_image(img));
    qr_buf_reset(&c->tmp);
    qr_node_plain_text(img, &c->tmp);
    if (!e) {
        /* not in the book (a remote or missing file): no resource is
         * fetched, the alt text stands in its place */
        S_pages_below(c, img);
        qr_xw_text(c->x, c->tmp.ptr, c->tmp.len);
    } else {
        char src[128];
        snprintf(src, sizeof src, "../%s", e->href);
        qr_xw_start(c->x, "img");
        qr_xw_attr(c->x, "src", src);
        qr_xw_attr(c->x, "alt", c->tmp.ptr);
        const char *title = qr_node_title(img);
        if (title && *title && qr_paragraph_figure(qr_node_parent(img)) != img)
            qr_xw_attr(c->x, "title", title);
        S_lang_attrs(c, img);
        qr_xw_close(c->x);
    }
    S_notes_below(c, img);
}

/* A paragraph that is an image alone: <figure> with <figcaption> from the
 * image's title (none without a title). */
static void S_figure(S_ctx *c, const qr_node *p, const qr_node *img)
{
    qr_xw *x = c->x;
    qr_xw_start(x, "figure");
    S_lang_attrs(c, p);
    qr_xw_nl(x);
    if (c->backlink) {
        qr_xw_start(x, "p");
        S_backlink(c, c->backlink);
        qr_xw_close(x);
        qr_xw_nl(x);
        c->backlink = 0;
    }
    S_image(c, img);
    qr_xw_nl(x);
    const char *title = qr_node_title(img);
    if (title && *title && qr_epub_find_image(c->bk, qr_node_image(img))) {
        qr_xw_element(x, "figcaption", title);
        qr_xw_nl(x);
    }
    qr_xw_close(x);
    qr_xw_nl(x);
}

/* The class carrying a column's alignment, or NULL. */
static const char *S_align_class(qr_col_align a)
{
    switch (a) {
    case QR_COL_LEFT: return "align-left";
    case QR_COL_CENTER: return "align-center";
    case QR_COL_RIGHT: return "align-right";
    case QR_COL_NONE: break;
    }
    return NULL;
}

/* Writes what n opens. Returns 1 when n was written whole (its subtree and
 * its EXIT are to be skipped). */
static int S_enter(S_ctx *c, const qr_node *n)
{
    qr_xw *x = c->x;
    switch (qr_node_get_type(n)) {
    case QR_NODE_TEXT: {
        size_t len;
        const char *s = qr_node_text(n, &len);
        /* a text in a language of its own needs an element to say so */
        int span = qr_node_lang(n) != NULL;
        if (span) {
            qr_xw_start(x, "span");
            S_lang_attrs(c, n);
        }
        S_text(c, n, s, len);
        if (span)
            qr_xw_close(x);
        return 1;
    }
    case QR_NODE_LINE_BREAK:
        qr_xw_start(x, "br");
        qr_xw_close(x);
        return 1;
    case QR_NODE_SCENE_BREAK:
        /* a thematic break; the stylesheet shows it as an ornament */
        qr_xw_start(x, "hr");
        qr_xw_attr(x, "class", "scene-break");
        S_lang_attrs(c, n);
        qr_xw_close(x);
        qr_xw_nl(x);
        return 1;
    case QR_NODE_CODE: {
        size_t len;
        const char *s = qr_node_text(n, &len);
        qr_xw_start(x, "code");
        S_lang_attrs(c, n);
        S_text(c, n, s, len);
        qr_xw_close(x);
        return 1;
    }
    case QR_NODE_CODE_BLOCK: {
        /* HTML: <pre><code class="language-X">, the language being the
         * info string's first word (a class is a token: letters, digits,
         * and a few signs kept) */
        size_t len;
        const char *s = qr_node_text(n, &len);
        const char *info = qr_node_title(n);
        char cls[64];
        size_t k = 0;
        if (info) {
            while (*info == ' ' || *info == '\t')
                info++;
            memcpy(cls, "language-", 9);
            k = 9;
            for (; *info && *info != ' ' && *info != '\t' && k < sizeof cls - 1; info++) {
                char ch = *info;
                if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '+' ||
                    ch == '#' || ch == '.')
                    cls[k++] = ch;
            }
            if (k == 9)
                k = 0;
        }
        cls[k] = '\0';
        qr_xw_start(x, "pre");
        S_lang_attrs(c, n);
        qr_xw_start(x, "code");
        if (k)
            qr_xw_attr(x, "class", cls);
        S_text(c, n, s, len);
        qr_xw_close(x);
        qr_xw_close(x);
        qr_xw_nl(x);
        return 1;
    }
    case QR_NODE_IMAGE:
        S_image(c, n);
        return 1;
    case QR_NODE_NOTE:
        S_note(c, n);
        return 1;
    case QR_NODE_HEADING: {
        /* stable ids for links: the title is "title", the others count;
         * headings in notes have none */
        static const char *const tags[] = {"h1", "h1", "h2", "h3", "h4", "h5", "h6"};
        qr_xw_start(x, tags[qr_epub_heading_level(c->u, n)]);
        if (n == c->u->title) {
            qr_xw_attr(x, "id", "title");
        } else if (!c->in_note) {
            char id[32];
            snprintf(id, sizeof id, "heading-%d", ++c->n_headings);
            qr_xw_attr(x, "id", id);
        }
        break;
    }
    case QR_NODE_PARAGRAPH: {
        const qr_node *img = qr_paragraph_figure(n);
        if (img && qr_epub_find_image(c->bk, qr_node_image(img))) {
            S_figure(c, n, img);
            return 1;
        }
        if (S_bare_paragraph(n))
            return 0;
        qr_xw_start(x, "p");
        if (qr_node_para_role(n) != QR_PARA_PROSE)
            qr_xw_attr(x, "class", qr_para_role_name(qr_node_para_role(n)));
        S_lang_attrs(c, n);
        if (c->backlink) {
            S_backlink(c, c->backlink);
            c->backlink = 0;
        }
        return 0;
    }
    case QR_NODE_BLOCK_QUOTE:
        qr_xw_start(x, "blockquote");
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return 0;
    case QR_NODE_LIST:
        if (qr_node_list_ordered(n)) {
            qr_xw_start(x, "ol");
            if (qr_node_list_start(n) != 1)
                qr_xw_attr_int(x, "start", qr_node_list_start(n));
        } else {
            qr_xw_start(x, "ul");
        }
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return 0;
    case QR_NODE_LIST_ITEM: qr_xw_start(x, "li"); break;
    case QR_NODE_TABLE:
        qr_xw_start(x, "table");
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return 0;
    case QR_NODE_TABLE_ROW: {
        /* header rows in <thead>, the others in <tbody>: a group opens
         * where the kind of row changes */
        const qr_node *prev = qr_node_prev(n);
        int header = qr_node_row_header(n);
        if (!prev || qr_node_row_header(prev) != header) {
            qr_xw_start(x, header ? "thead" : "tbody");
            qr_xw_nl(x);
        }
        qr_xw_start(x, "tr");
        break;
    }
    case QR_NODE_TABLE_CELL: {
        const qr_node *row = qr_node_parent(n);
        int header = row && qr_node_row_header(row);
        int col = 0;
        for (const qr_node *p = qr_node_prev(n); p; p = qr_node_prev(p))
            col++;
        const qr_node *table = row ? qr_node_parent(row) : NULL;
        qr_xw_start(x, header ? "th" : "td");
        if (header)
            qr_xw_attr(x, "scope", "col");
        const char *cls = table && col < qr_node_table_columns(table)
                              ? S_align_class(qr_node_table_align(table, col))
                              : NULL;
        if (cls)
            qr_xw_attr(x, "class", cls);
        break;
    }
    case QR_NODE_EMPH: qr_xw_start(x, "em"); break;
    case QR_NODE_STRONG: qr_xw_start(x, "strong"); break;
    case QR_NODE_STRIKE: qr_xw_start(x, "del"); break;
    case QR_NODE_LINK: {
        if (c->open_link || !S_link_href(c, qr_node_url(n), &c->tmp))
            return 0; /* plain text: its content alone */
        qr_xw_start(x, "a");
        qr_xw_attr(x, "href", c->tmp.ptr);
        const char *title = qr_node_title(n);
        if (title && *title)
            qr_xw_attr(x, "title", title);
        c->open_link = n;
        break;
    }
    case QR_NODE_SPEECH:
    case QR_NODE_VERSE:
        qr_xw_start(x, "div");
        qr_xw_attr(x, "class", qr_node_get_type(n) == QR_NODE_SPEECH ? "speech" : "verse");
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return 0;
    case QR_NODE_SPEAKER:
    case QR_NODE_STAGE: {
        qr_xw_start(x, "p");
        qr_xw_attr(x, "class", qr_node_get_type(n) == QR_NODE_SPEAKER ? "speaker" : "stage");
        break;
    }
    case QR_NODE_VERSE_LINE: {
        /* one element a line; its indent a class (styles/epub.css) */
        char cls[32];
        int indent = qr_node_level(n);
        if (indent > 0)
            snprintf(cls, sizeof cls, "line indent-%d", indent > 12 ? 12 : indent);
        else
            snprintf(cls, sizeof cls, "line");
        qr_xw_start(x, "p");
        qr_xw_attr(x, "class", cls);
        break;
    }
    case QR_NODE_CHAPTER: /* not expected inside a chapter: a plain section */
        qr_xw_start(x, "section");
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return 0;
    case QR_NODE_DOCUMENT:
    case QR_NODE_NONE: qr_xw_start(x, "div"); break;
    }
    S_lang_attrs(c, n);
    return 0;
}

static void S_exit(S_ctx *c, const qr_node *n)
{
    qr_xw *x = c->x;
    switch (qr_node_get_type(n)) {
    case QR_NODE_PARAGRAPH:
        if (S_bare_paragraph(n))
            return;
        break;
    case QR_NODE_LINK:
        if (c->open_link != n)
            return;
        qr_xw_close(x);
        c->open_link = NULL;
        S_flush_pending(c);
        return;
    case QR_NODE_TABLE_ROW: {
        qr_xw_close(x); /* tr */
        qr_xw_nl(x);
        const qr_node *next = qr_node_next(n);
        if (!next || qr_node_row_header(next) != qr_node_row_header(n)) {
            qr_xw_close(x); /* thead or tbody */
            qr_xw_nl(x);
        }
        return;
    }
    default: break;
    }
    qr_xw_close(x);
    if (qr_node_is_block(n))
        qr_xw_nl(x);
}

/* Writes the subtree of root (its ENTER and EXIT included). */
static void S_walk(S_ctx *c, const qr_node *root)
{
    qr_iter it;
    qr_iter_init(&it, root);
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE && !c->x->failed) {
        qr_node *n = qr_iter_node(&it);
        if (ev == QR_EV_EXIT) {
            S_exit(c, n);
        } else if (S_enter(c, n) && !qr_node_is_leaf(n)) {
            /* written whole: go on after it, without its EXIT */
            if (n == root)
                break;
            it.node = n;
            it.ev = QR_EV_EXIT;
        }
    }
}

/* The chapter's notes, at its end: each an <aside> (EPUB 3 SSV footnote,
 * DPUB-ARIA doc-footnote) opening with a back link to its reference. Notes
 * referenced inside notes join the end of the list. */
static void S_write_notes(S_ctx *c)
{
    qr_xw *x = c->x;
    c->in_note = 1;
    for (int k = 1; k <= c->n_notes && !x->failed; k++) {
        const qr_node *note = c->notes[k - 1];
        char id[32];
        snprintf(id, sizeof id, "fn-%d", k);
        qr_xw_start(x, "aside");
        qr_xw_attr(x, "class", "footnote");
        qr_xw_attr(x, "epub:type", "footnote");
        qr_xw_attr(x, "role", "doc-footnote");
        qr_xw_attr(x, "id", id);
        S_lang_attrs(c, note);
        qr_xw_nl(x);
        const qr_node *first = qr_node_first_child(note);
        c->backlink = k;
        if (!first || qr_node_get_type(first) != QR_NODE_PARAGRAPH ||
            qr_paragraph_figure(first)) {
            /* the back link needs a paragraph of its own */
            qr_xw_start(x, "p");
            S_backlink(c, k);
            qr_xw_close(x);
            qr_xw_nl(x);
            c->backlink = 0;
        }
        for (const qr_node *b = first; b; b = qr_node_next(b)) {
            if (!qr_node_is_block(b)) {
                /* inlines straight under the note: a paragraph of their own */
                qr_xw_start(x, "p");
                while (b && !qr_node_is_block(b)) {
                    S_walk(c, b);
                    if (!qr_node_next(b) || qr_node_is_block(qr_node_next(b)))
                        break;
                    b = qr_node_next(b);
                }
                qr_xw_close(x);
                qr_xw_nl(x);
                continue;
            }
            S_walk(c, b);
        }
        c->backlink = 0;
        qr_xw_close(x); /* aside */
        qr_xw_nl(x);
    }
    c->in_note = 0;
}

static void S_section_attrs(qr_xw *x, const qr_epub_unit *u)
{
    /* EPUB 3 Structural Semantics Vocabulary for epub:type; DPUB-ARIA 1.0
     * roles, which HTML allows on <section>. Front and back matter have no
     * DPUB-ARIA role of their own, so they carry none. */
    /* The class repeats the kind for the stylesheet: readers' CSS engines
     * differ in their support of namespaced attribute selectors. */
    if (u->title_page) {
        /* the book's own title page is the book's title page */
        qr_xw_attr(x, "class", "titlepage");
        qr_xw_attr(x, "epub:type", "titlepage");
        return;
    }
    switch (u->kind) {
    case QR_CHAPTER_BODY:
        qr_xw_attr(x, "class", "chapter");
        qr_xw_attr(x, "epub:type", "chapter");
        qr_xw_attr(x, "role", "doc-chapter");
        break;
    case QR_CHAPTER_PART:
        qr_xw_attr(x, "class", "part");
        qr_xw_attr(x, "epub:type", "part");
        qr_xw_attr(x, "role", "doc-part");
        break;
    case QR_CHAPTER_FRONT:
        qr_xw_attr(x, "class", "frontmatter");
        qr_xw_attr(x, "epub:type", "frontmatter");
        break;
    case QR_CHAPTER_BACK:
        qr_xw_attr(x, "class", "backmatter");
        qr_xw_attr(x, "epub:type", "backmatter");
        break;
    }
    if (u->title)
        qr_xw_attr(x, "aria-labelledby", "title");
}

void qr_epub_page_start(qr_xw *x, const char *lang, const char *title, const char *css_href,
                        const char *css2_href)
{
    qr_xw_doctype_html(x);
    qr_xw_start(x, "html");
    qr_xw_attr(x, "xmlns", QR_NS_XHTML);
    qr_xw_attr(x, "xmlns:epub", QR_NS_OPS);
    qr_xw_attr(x, "xml:lang", lang);
    qr_xw_attr(x, "lang", lang);
    qr_xw_nl(x);
    qr_xw_start(x, "head");
    qr_xw_nl(x);
    qr_xw_element(x, "title", title);
    qr_xw_nl(x);
    qr_xw_start(x, "link");
    qr_xw_attr(x, "rel", "stylesheet");
    qr_xw_attr(x, "type", "text/css");
    qr_xw_attr(x, "href", css_href);
    qr_xw_close(x);
    qr_xw_nl(x);
    if (css2_href) {
        qr_xw_start(x, "link");
        qr_xw_attr(x, "rel", "stylesheet");
        qr_xw_attr(x, "type", "text/css");
        qr_xw_attr(x, "href", css2_href);
        qr_xw_close(x);
        qr_xw_nl(x);
    }
    qr_xw_close(x); /* head */
    qr_xw_nl(x);
    qr_xw_start(x, "body");
    qr_xw_nl(x);
}

void qr_epub_page_end(qr_xw *x)
{
    qr_xw_close(x); /* body */
    qr_xw_nl(x);
    qr_xw_close(x); /* html */
    qr_xw_nl(x);
}

int qr_epub_write_chapter(const qr_epub_book *bk, const qr_epub_unit *u, qr_xw *x, qr_buf *out,
                          qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    S_ctx c;
    memset(&c, 0, sizeof c);
    c.bk = bk;
    c.u = u;
    c.x = x;
    qr_buf_init(&c.tmp);
    char css[128];
    snprintf(css, sizeof css, "../%s", bk->css_href);

    /* HTML: <title> must not be empty: the heading, else the book's title. */
    qr_epub_page_start(x, u->lang, u->title_text ? u->title_text : bk->title, css,
                       u->has_code && qr_epub_code_font(bk) ? "../" QR_EPUB_CODE_CSS : NULL);
    qr_xw_start(x, "section");
    S_section_attrs(x, u);
    qr_xw_nl(x);

    for (const qr_node *top = u->first; top && !x->failed;
         top = top == u->last ? NULL : qr_node_next(top))
        S_walk(&c, top);
    S_write_notes(&c);

    qr_xw_close(x); /* section */
    qr_xw_nl(x);
    qr_epub_page_end(x);
    free(c.notes);
    free(c.pending);
    qr_buf_release(&c.tmp);
    return qr_xw_end(x, u->href, err);
}

int qr_epub_write_cover(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    char css[128], img[128];
    snprintf(css, sizeof css, "../%s", bk->css_href);
    snprintf(img, sizeof img, "../%s", bk->cover_href);
    qr_epub_page_start(x, bk->lang, bk->title, css, NULL);
    /* EPUB 3 Structural Semantics: cover, on the section. DPUB-ARIA 1.0's
     * doc-cover is a role of the image (HTML allows it on <img>, not on
     * <section>: EPUBCheck refuses it there). */
    qr_xw_start(x, "section");
    qr_xw_attr(x, "class", "cover");
    qr_xw_attr(x, "epub:type", "cover");
    qr_xw_nl(x);
    qr_xw_start(x, "img");
    qr_xw_attr(x, "src", img);
    qr_xw_attr(x, "alt", "Cover");
    qr_xw_attr(x, "role", "doc-cover");
    qr_xw_close(x);
    qr_xw_nl(x);
    qr_xw_close(x); /* section */
    qr_xw_nl(x);
    qr_epub_page_end(x);
    return qr_xw_end(x, QR_EPUB_COVER_PAGE, err);
}
