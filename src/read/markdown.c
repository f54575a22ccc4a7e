/*
 * markdown.c: the Markdown reader (cmark-gfm).
 *
 *   1. check the bytes as the plain-text reader does (qr_read_check), and
 *      refuse a file with no text;
 *   2. cut a YAML front matter block (`---` ... `---` or `...` on the first
 *      lines) and read it with libyaml: the chapter's title, or in a
 *      one-file book (QR_READ_SINGLE) the book's metadata. Its lines are
 *      blanked, not removed, so cmark's line numbers stay the file's;
 *   3. parse with cmark-gfm: CommonMark, smart punctuation, footnotes, and
 *      the table, strikethrough and autolink extensions;
 *   4. walk cmark's tree with its iterator (never recursively: 10,000
 *      nested block quotes must not exhaust the stack) and replay it into
 *      the builder. Each h1 at the top level opens a chapter; a footnote
 *      reference becomes a NOTE holding a copy of its definition's blocks,
 *      walked by an iterator pushed on an explicit stack; an HTML comment
 *      is dropped, a block that is only a local image (<img>, or a
 *      <figure> of one) is read as the image, and other raw HTML becomes
 *      text (the writers escape it), with a warning; a chapter with
 *      nothing but its heading is warned about;
 *   5. warn about footnote definitions that nothing references (cmark
 *      drops them): a `[^label]:` line that no block of the final tree
 *      covers was one.
 */
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>
#include <libxml/HTMLparser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "read.h"
#include "text_internal.h"

/* Raw HTML warnings given one by one per file; the rest are counted. */
#define S_MAX_HTML_WARNINGS 3
/* cmark iterator events spent copying footnotes into their references: a
 * long note referenced many thousand times is refused, not copied. */
#define S_MAX_NOTE_EVENTS 4000000L

typedef struct S_frame {
    cmark_iter *it;
    int note; /* walking a footnote definition (its NOTE is open) */
} S_frame;

typedef struct S_md {
    qr_doc *doc;
    qr_builder b;
    const char *file;
    const char *src; /* the file's bytes, for line starts and footnote labels */
    size_t len;
    int flags;
    size_t *lines; /* byte offset of each line's start */
    int n_lines;
    cmark_node *root;
    cmark_node **defs; /* footnote definitions, by number (1-based: defs[n-1]) */
    int n_defs;
    int in_chapter;
    int chapter_blocks;   /* top-level blocks of the open chapter, its heading too */
    int chapter_line;     /* where it starts */
    int saw_h1;
    int line;             /* the last known source line */
    const char *fm_title; /* front matter title: (arena) */
    const char *first_h1; /* the text of the first block, when an h1: (arena) */
    int html_seen;
    long note_events;
    qr_error *err;
} S_md;

/* Lines --------------------------------------------------------------------- */

static void S_index_lines(S_md *md)
{
    size_t cap = 256;
    md->lines = xmalloc(cap * sizeof *md->lines);
    md->lines[md->n_lines++] = 0;
    for (size_t i = 0; i < md->len; i++) {
        char c = md->src[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= md->len || md->src[i + 1] != '\n'))) {
            if ((size_t)md->n_lines == cap) {
                cap *= 2;
                md->lines = xrealloc(md->lines, cap * sizeof *md->lines);
            }
            md->lines[md->n_lines++] = i + 1;
        }
    }
}

/* Borrowed: the text of 1-based line `no` (without its ending) in *len. */
static const char *S_line_text(const S_md *md, int no, size_t *len)
{
    if (no < 1 || no > md->n_lines) {
        *len = 0;
        return "";
    }
    size_t start = md->lines[no - 1];
    size_t end = no < md->n_lines ? md->lines[no] : md->len;
    while (end > start && (md->src[end - 1] == '\n' || md->src[end - 1] == '\r'))
        end--;
    *len = end - start;
    return md->src + start;
}

/* Whether the bytes hold no text: white space, BOMs and ideographic spaces. */
static int S_blank_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            i++;
        } else if (i + 2 < len && memcmp(s + i, "\xEF\xBB\xBF", 3) == 0) {
            i += 3;
        } else if (i + 2 < len && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
            i += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

/* Front matter ------------------------------------------------------------ */

/* Whether s[0..len) is `marker` followed by nothing but spaces and tabs. */
static int S_is_fence(const char *s, size_t len, const char *marker)
{
    if (len < 3 || memcmp(s, marker, 3) != 0)
        return 0;
    for (size_t i = 3; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

/*
 * The front matter: the first line is `---`, the next is not blank, and a
 * later line is `---` or `...`. *last is the closing line's number, or 0
 * when the file has none.
 */
static void S_find_front_matter(const S_md *md, int *last)
{
    size_t len;
    const char *s = S_line_text(md, 1, &len);
    *last = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    if (!S_is_fence(s, len, "---") || md->n_lines < 3)
        return;
    S_line_text(md, 2, &len);
    if (len == 0)
        return;
    for (int i = 2; i <= md->n_lines; i++) {
        s = S_line_text(md, i, &len);
        if (S_is_fence(s, len, "---") || S_is_fence(s, len, "...")) {
            *last = i;
            return;
        }
    }
}

static const char *S_yaml_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE: return "a single value";
    case YAML_SEQUENCE_NODE: return "a list";
    case YAML_MAPPING_NODE: return "a mapping";
    case YAML_NO_NODE: break;
    }
    return "nothing";
}

/* Sets err at the YAML node n (libyaml marks are 0-based); returns -1. */
static int S_yaml_fail(S_md *md, const yaml_node_t *n, const char *key, const char *what)
{
    return qr_error_set(md->err, QR_EX_DATAERR, md->file, (int)n->start_mark.line + 1,
                        (int)n->start_mark.column + 1, "front matter: %s: expected %s, not %s", key,
                        what, S_yaml_kind(n));
}

/* Arena: a scalar's text, or NULL when it is empty or null. */
static int S_yaml_text(S_md *md, const yaml_node_t *n, const char *key, const char **out)
{
    *out = NULL;
    if (n->type != YAML_SCALAR_NODE)
        return S_yaml_fail(md, n, key, "a single value");
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
        (len == 0 || (len == 1 && v[0] == '~') || (len == 4 && memcmp(v, "null", 4) == 0)))
        return 0;
    if (memchr(v, '\0', len))
        return qr_error_set(md->err, QR_EX_DATAERR, md->file, (int)n->start_mark.line + 1,
                            (int)n->start_mark.column + 1,
                            "front matter: %s: a NUL character is not allowed", key);
    /* a folded or literal block ends with a newline that is no part of it */
    while (len > 0 && (v[len - 1] == '\n' || v[len - 1] == '\r' || v[len - 1] == ' '))
        len--;
    if (!S_blank_text(v, len))
        *out = qr_arena_strndup(qr_doc_arena(md->doc), v, len);
    return 0;
}

static int S_yaml_author(S_md *md, yaml_document_t *yd, const yaml_node_t *n)
{
    qr_meta *m = qr_doc_meta(md->doc);
    const yaml_node_t *one[1] = {n};
    const yaml_node_t *const *items = one;
    size_t count = 1;
    const yaml_node_t **list = NULL;
    if (n->type == YAML_SEQUENCE_NODE) {
        count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
        list = xcalloc(count ? count : 1, sizeof *list);
        for (size_t i = 0; i < count; i++)
            list[i] = yaml_document_get_node(yd, n->data.sequence.items.start[i]);
        items = list;
    }
    int rc = 0;
    m->n_creators = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        const char *name;
        if (items[i]->type != YAML_SCALAR_NODE) {
            rc = S_yaml_fail(md, items[i], "author", "a name or a list of names");
            break;
        }
        rc = S_yaml_text(md, items[i], "author", &name);
        if (rc == 0 && name) {
            if (m->n_creators == QR_MAX_CREATORS) {
                rc = qr_error_set(md->err, QR_EX_DATAERR, md->file,
                                  (int)items[i]->start_mark.line + 1,
                                  (int)items[i]->start_mark.column + 1,
                                  "front matter: author: at most %d names", QR_MAX_CREATORS);
                break;
            }
            m->creators[m->n_creators].name = name;
            m->creators[m->n_creators].role = "aut";
            m->n_creators++;
        }
    }
    free(list);
    return rc;
}

/* The front matter keys that are book metadata, in a one-file book. */
static const struct {
    const char *key;
    size_t offset;
} S_meta_keys[] = {
    {"title", offsetof(qr_meta, title)},
    {"subtitle", offsetof(qr_meta, subtitle)},
    {"language", offsetof(qr_meta, language)},
    {"date", offsetof(qr_meta, date)},
    {"publisher", offsetof(qr_meta, publisher)},
    {"rights", offsetof(qr_meta, rights)},
    {"description", offsetof(qr_meta, description)},
};

#define S_KNOWN_SINGLE "title, subtitle, author, language, date, publisher, rights, description"



static int S_front_key(S_md *md, yaml_document_t *yd, const yaml_node_t *k, const yaml_node_t *v)
{
    const char *key = (const char *)k->data.scalar.value;
    int line = (int)k->start_mark.line + 1, col = (int)k->start_mark.column + 1;
    qr_meta *m = qr_doc_meta(md->doc);
    if (strcmp(key, "title") == 0) {
        if (S_yaml_text(md, v, "title", &md->fm_title) < 0)
            return -1;
        if ((md->flags & QR_READ_SINGLE) && md->fm_title)
            m->title = md->fm_title;
        return 0;
    }
    if (!(md->flags & QR_READ_SINGLE)) {
        qr_warn(md->file, line, col,
                "front matter: '%s' is ignored in a book of several files (only title: names "
                "the chapter; the book's metadata goes in book.yaml)",
                key);
        return 0;
    }
    if (strcmp(key, "author") == 0)
        return S_yaml_author(md, yd, v);
    for (size_t i = 0; i < QR_ARRAY_LEN(S_meta_keys); i++) {
        if (strcmp(key, S_meta_keys[i].key) != 0)
            continue;
        const char *s;
        if (S_yaml_text(md, v, key, &s) < 0)
            return -1;
        if (s && strcmp(key, "language") == 0 && !qr_lang_tag_ok(s))
            return qr_error_set(md->err, QR_EX_DATAERR, md->file, (int)v->start_mark.line + 1,
                                (int)v->start_mark.column + 1,
                                "front matter: language: '%s' is not a language tag such as "
                                "en, fr or pt-BR",
                                s);
        if (s && strcmp(key, "date") == 0 && !qr_w3c_date_ok(s))
            return qr_error_set(md->err, QR_EX_DATAERR, md->file, (int)v->start_mark.line + 1,
                                (int)v->start_mark.column + 1,
                                "front matter: date: '%s' is not a date (YYYY-MM-DD, YYYY-MM "
                                "or YYYY)",
                                s);
        if (s)
            *(const char **)((char *)m + S_meta_keys[i].offset) = s;
        return 0;
    }
    qr_warn(md->file, line, col, "front matter: unknown key '%s', ignored (known: %s)", key,
            S_KNOWN_SINGLE);
    return 0;
}

/* Reads the front matter, lines 1..last-1 of the file. */
static int S_front_matter(S_md *md, int last)
{
    yaml_parser_t parser;
    yaml_document_t yd;
    int rc = -1, doc_ok = 0;
    size_t end = md->lines[last - 1];
    if (!yaml_parser_initialize(&parser))
        return qr_error_set(md->err, QR_EX_SOFTWARE, md->file, 0, 0,
                            "libyaml: cannot start the parser");
    yaml_parser_set_input_string(&parser, (const unsigned char *)md->src, end);
    if (!yaml_parser_load(&parser, &yd)) {
        if (parser.error == YAML_MEMORY_ERROR)
            qr_error_set(md->err, QR_EX_SOFTWARE, md->file, 0, 0, "libyaml: out of memory");
        else
            qr_error_set(md->err, QR_EX_DATAERR, md->file, (int)parser.problem_mark.line + 1,
                         (int)parser.problem_mark.column + 1, "front matter: %s%s%s",
                         parser.problem ? parser.problem : "syntax error",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        goto done;
    }
    doc_ok = 1;
    yaml_node_t *root = yaml_document_get_root_node(&yd);
    if (!root || (root->type == YAML_SCALAR_NODE && root->data.scalar.length == 0)) {
        rc = 0; /* empty: nothing given */
        goto done;
    }
    if (root->type != YAML_MAPPING_NODE) {
        S_yaml_fail(md, root, "the front matter", "keys and values (title: ...)");
        goto done;
    }
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(&yd, p->key);
        yaml_node_t *v = yaml_document_get_node(&yd, p->value);
        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            S_yaml_fail(md, k, "a key", "a name");
            goto done;
        }
        if (S_front_key(md, &yd, k, v) < 0)
            goto done;
    }
    rc = 0;
done:
    if (doc_ok)
        yaml_document_delete(&yd);
    yaml_parser_delete(&parser);
    return rc;
}

/* Building -------------------------------------------------------------------- */

static void S_pos(S_md *md, cmark_node *n)
{
    int line = cmark_node_get_start_line(n);
    if (line > 0)
        md->line = line;
    qr_builder_set_pos(&md->b, md->file, md->line);
}

static void S_close_chapter(S_md *md)
{
    if (md->in_chapter) {
        qr_builder_leave(&md->b);
        md->in_chapter = 0;
    }
}

static void S_open_chapter(S_md *md)
{
    /* "# Part One" straight over "# Chapter 1": an empty page */
    if (md->in_chapter && md->chapter_blocks == 1 && md->saw_h1)
        qr_warn(md->file, md->chapter_line, 1,
                "this chapter has nothing but its heading, so its page is empty (put its text "
                "under it, or make the next heading '##')");
    md->chapter_blocks = 0;
    md->chapter_line = md->line;
    S_close_chapter(md);
    qr_node *c = qr_builder_enter(&md->b, QR_NODE_CHAPTER);
    qr_node_set_chapter_kind(c, QR_CHAPTER_BODY);
    qr_node_set_level(c, 1);
    md->in_chapter = 1;
}

/* Text before the first h1: a chapter of its own, titled by the front
 * matter's title if there is one. */
static void S_open_untitled(S_md *md)
{
    S_open_chapter(md);
    if (md->fm_title) {
        qr_node *h = qr_builder_enter(&md->b, QR_NODE_HEADING);
        qr_node_set_level(h, 1);
        qr_builder_text(&md->b, md->fm_title, strlen(md->fm_title));
        qr_builder_leave(&md->b);
    }
}

/* The last code point of the pending text, or 0. */
static uint32_t S_pending_last(const S_md *md)
{
    const qr_buf *t = &md->b.text;
    size_t i = t->len;
    if (i == 0)
        return 0;
    while (i > 0 && ((unsigned char)t->ptr[i - 1] & 0xC0) == 0x80)
        i--;
    if (i > 0)
        i--;
    uint32_t cp = 0;
    qr_utf8_decode(t->ptr + i, t->len - i, &cp);
    return cp;
}

/* A soft line break: a space, but none between two CJK characters (as the
 * plain-text reader joins wrapped lines). */
static void S_soft_break(S_md *md, cmark_node *n)
{
    uint32_t before = S_pending_last(md), after = 0;
    cmark_node *next = cmark_node_next(n);
    if (next && cmark_node_get_type(next) == CMARK_NODE_TEXT) {
        const char *lit = cmark_node_get_literal(next);
        if (lit && *lit)
            qr_utf8_decode(lit, strlen(lit), &after);
    }
    if (before && after && qr_text_is_cjk(before) && qr_text_is_cjk(after))
        return;
    qr_builder_text(&md->b, " ", 1);
}

static void S_html_warning(S_md *md, cmark_node *n)
{
    if (++md->html_seen > S_MAX_HTML_WARNINGS)
        return;
    qr_warn(md->file, cmark_node_get_start_line(n), cmark_node_get_start_column(n),
            "raw HTML is set as text");
}

/* Whether raw HTML is nothing but comments (and white space): an author's
 * note to self, never printed. */
static int S_only_comments(const char *s)
{
    if (!s)
        return 0;
    int seen = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        if (!*s)
            return seen;
        if (strncmp(s, "<!--", 4) != 0)
            return 0;
        const char *e = strstr(s + 4, "-->");
        if (!e)
            return 0;
        s = e + 3;
        seen = 1;
    }
}

/* The text of an element's descendants, spaces collapsed, appended to out. */
static void S_xml_text(xmlNode *n, qr_buf *out)
{
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content) {
            for (const xmlChar *p = c->content; *p; p++) {
                int space = *p == ' ' || *p == '\n' || *p == '\t' || *p == '\r';
                if (space && (out->len == 0 || out->ptr[out->len - 1] == ' '))
                    continue;
                qr_buf_addc(out, space ? ' ' : (char)*p);
            }
        } else if (c->type == XML_ELEMENT_NODE) {
            S_xml_text(c, out);
        }
    }
}

/*
 * Looks in an HTML tree for the one <img> it may hold, with nothing else
 * but <figure>, <figcaption>, <p>, <picture>, <a> and white space around:
 * returns it, with the figcaption's text in cap, or NULL.
 */
static xmlNode *S_lone_img(xmlNode *n, xmlNode **img, qr_buf *cap, int *bad)
{
    for (xmlNode *c = n; c && !*bad; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            for (const xmlChar *p = c->content; p && *p; p++)
                if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
                    *bad = 1;
            continue;
        }
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *name = (const char *)c->name;
        if (strcmp(name, "img") == 0) {
            if (*img)
                *bad = 1;
            *img = c;
        } else if (strcmp(name, "figcaption") == 0) {
            S_xml_text(c, cap);
        } else if (strcmp(name, "figure") == 0 || strcmp(name, "p") == 0 ||
                   strcmp(name, "picture") == 0 || strcmp(name, "html") == 0 ||
                   strcmp(name, "body") == 0 || strcmp(name, "a") == 0) {
            S_lone_img(c->children, img, cap, bad);
        } else {
            *bad = 1;
        }
    }
    return *bad ? NULL : *img;
}

/*
 * A block of raw HTML that is one image (`<img src="map.png" alt="The
 * map">`, maybe in a <figure> with a <figcaption>) is read as the image
 * Markdown would give: a paragraph of one IMAGE, its alt text inside, the
 * caption as its title. Returns whether it was.
 */
static int S_html_image(S_md *md, cmark_node *n)
{
    const char *lit = cmark_node_get_literal(n);
    if (!lit || !strstr(lit, "<img"))
        return 0;
    htmlDocPtr h = htmlReadMemory(lit, (int)strlen(lit), NULL, "UTF-8",
                                  HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!h)
        return 0;
    xmlNode *img = NULL;
    int bad = 0;
    qr_buf cap = QR_BUF_INIT;
    xmlChar *src = NULL, *alt = NULL;
    int done = 0;
    if (!S_lone_img(xmlDocGetRootElement(h), &img, &cap, &bad))
        goto out;
    src = xmlGetProp(img, (const xmlChar *)"src");
    alt = xmlGetProp(img, (const xmlChar *)"alt");
    if (!src || !*src)
        goto out;
    qr_builder_enter(&md->b, QR_NODE_PARAGRAPH);
    qr_node *im = qr_builder_enter(&md->b, QR_NODE_IMAGE);
    qr_node_set_url(md->doc, im, (const char *)src);
    if (cap.len > 0)
        qr_node_set_title(md->doc, im, cap.ptr);
    if (alt && *alt)
        qr_builder_text(&md->b, (const char *)alt, strlen((const char *)alt));
    qr_builder_leave(&md->b);
    qr_builder_leave(&md->b);
    done = 1;
out:
    xmlFree(src);
    xmlFree(alt);
    qr_buf_release(&cap);
    xmlFreeDoc(h);
    return done;
}

/* Raw HTML, inline or a block: its characters as text, lines kept apart
 * by line breaks. */
static void S_html_text(S_md *md, const char *s)
{
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    for (size_t i = 0; i < len;) {
        size_t e = i;
        while (e < len && s[e] != '\n')
            e++;
        size_t t = e;
        if (t > i && s[t - 1] == '\r')
            t--;
        qr_builder_text(&md->b, s + i, t - i);
        if (e < len) {
            qr_builder_enter(&md->b, QR_NODE_LINE_BREAK);
            md->line++;
            qr_builder_set_pos(&md->b, md->file, md->line);
        }
        i = e + 1;
    }
}

/* Whether n is the type the extension `name` made. */
static int S_ext_is(cmark_node *n, const char *name)
{
    return strcmp(cmark_node_get_type_string(n), name) == 0;
}

static void S_table(S_md *md, cmark_node *n)
{
    int columns = cmark_gfm_extensions_get_table_columns(n);
    uint8_t *al = cmark_gfm_extensions_get_table_alignments(n);
    qr_col_align aligns[QR_MAX_COLUMNS];
    if (columns > QR_MAX_COLUMNS)
        columns = QR_MAX_COLUMNS;
    for (int i = 0; i < columns; i++)
        aligns[i] = !al            ? QR_COL_NONE
                    : al[i] == 'l' ? QR_COL_LEFT
                    : al[i] == 'c' ? QR_COL_CENTER
                    : al[i] == 'r' ? QR_COL_RIGHT
                                   : QR_COL_NONE;
    qr_node *t = qr_builder_enter(&md->b, QR_NODE_TABLE);
    qr_node_set_table(md->doc, t, columns, aligns);
}

/* A footnote reference: a NOTE holding its definition's blocks. Inside a
 * note, a reference stays as it was written, with a warning. */
static int S_note(S_md *md, cmark_node *n, S_frame **stack, int *depth, int *cap)
{
    const char *lit = cmark_node_get_literal(n);
    int k = lit ? atoi(lit) : 0;
    if (k < 1 || k > md->n_defs)
        return 0;
    if (*depth > 1) {
        int line = cmark_node_get_start_line(n), col = cmark_node_get_start_column(n);
        int end = cmark_node_get_end_column(n);
        size_t len;
        const char *s = S_line_text(md, line, &len);
        qr_warn(md->file, line, col,
                "a footnote reference inside a footnote is set as written, not as a note");
        if (col >= 1 && end >= col && (size_t)end <= len)
            qr_builder_text(&md->b, s + col - 1, (size_t)(end - col + 1));
        return 0;
    }
    qr_builder_enter(&md->b, QR_NODE_NOTE);
    if (*depth == *cap) {
        *cap *= 2;
        *stack = xrealloc(*stack, (size_t)*cap * sizeof **stack);
    }
    (*stack)[*depth].it = cmark_iter_new(md->defs[k - 1]);
    (*stack)[*depth].note = 1;
    (*depth)++;
    return 0;
}

/* One cmark event into the builder. */
static int S_event(S_md *md, cmark_event_type ev, cmark_node *n, S_frame **stack, int *depth,
                   int *cap)
{
    cmark_node_type type = cmark_node_get_type(n);
    int enter = ev == CMARK_EVENT_ENTER;
    qr_builder *b = &md->b;

    /* The chapter: each top-level h1 opens one. */
    if (enter && *depth == 1 && cmark_node_parent(n) == md->root &&
        type != CMARK_NODE_FOOTNOTE_DEFINITION) {
        S_pos(md, n);
        int comment = type == CMARK_NODE_HTML_BLOCK && S_only_comments(cmark_node_get_literal(n));
        if (type == CMARK_NODE_HEADING && cmark_node_get_heading_level(n) == 1) {
            S_open_chapter(md);
            md->saw_h1 = 1;
        } else if (!md->in_chapter && !comment) {
            S_open_untitled(md);
        }
        md->chapter_blocks += !comment;
    }
    if (enter)
        S_pos(md, n);

    switch (type) {
    case CMARK_NODE_DOCUMENT:
    case CMARK_NODE_FOOTNOTE_DEFINITION: /* its NOTE is opened by S_note */ return 0;
    case CMARK_NODE_PARAGRAPH:
        if (enter)
            qr_builder_enter(b, QR_NODE_PARAGRAPH);
        else
            qr_builder_leave(b);
        return 0;
    case CMARK_NODE_HEADING:
        if (enter) {
            qr_node *h = qr_builder_enter(b, QR_NODE_HEADING);
            qr_node_set_level(h, cmark_node_get_heading_level(n));
        } else {
            qr_builder_leave(b);
        }
        return 0;
    case CMARK_NODE_BLOCK_QUOTE:
        if (enter)
            qr_builder_enter(b, QR_NODE_BLOCK_QUOTE);
        else
            qr_builder_leave(b);
        return 0;
    case CMARK_NODE_LIST:
        if (enter) {
            qr_node *l = qr_builder_enter(b, QR_NODE_LIST);
            int ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
            qr_node_set_list(l, ordered, ordered ? cmark_node_get_list_start(n) : 0,
                             cmark_node_get_list_tight(n));
        } else {
            qr_builder_leave(b);
        }
        return 0;
    case CMARK_NODE_ITEM:
        if (enter)
            qr_builder_enter(b, QR_NODE_LIST_ITEM);
        else
            qr_builder_leave(b);
        return 0;
    case CMARK_NODE_CODE_BLOCK: {
        const char *lit = cmark_node_get_literal(n);
        size_t len = lit ? strlen(lit) : 0;
        if (len > 0 && lit[len - 1] == '\n')
            len--;
        qr_node *c = qr_builder_enter(b, QR_NODE_CODE_BLOCK);
        qr_node_set_text(md->doc, c, lit ? lit : "", len);
        const char *info = cmark_node_get_fence_info(n);
        if (info && *info)
            qr_node_set_title(md->doc, c, info);
        return 0;
    }
    case CMARK_NODE_THEMATIC_BREAK: qr_builder_enter(b, QR_NODE_SCENE_BREAK); return 0;
    case CMARK_NODE_HTML_BLOCK:
        if (S_only_comments(cmark_node_get_literal(n)) || S_html_image(md, n))
            return 0;
        S_html_warning(md, n);
        qr_builder_enter(b, QR_NODE_PARAGRAPH);
        S_html_text(md, cmark_node_get_literal(n));
        qr_builder_leave(b);
        return 0;
    case CMARK_NODE_HTML_INLINE:
        if (S_only_comments(cmark_node_get_literal(n)))
            return 0;
        S_html_warning(md, n);
        S_html_text(md, cmark_node_get_literal(n));
        return 0;
    case CMARK_NODE_TEXT: {
        const char *lit = cmark_node_get_literal(n);
        if (lit)
            qr_builder_text(b, lit, strlen(lit));
        return 0;
    }
    case CMARK_NODE_SOFTBREAK: S_soft_break(md, n); return 0;
    case CMARK_NODE_LINEBREAK: qr_builder_enter(b, QR_NODE_LINE_BREAK); return 0;
    case CMARK_NODE_CODE: {
        const char *lit = cmark_node_get_literal(n);
        qr_node *c = qr_builder_enter(b, QR_NODE_CODE);
        qr_node_set_text(md->doc, c, lit ? lit : "", lit ? strlen(lit) : 0);
        return 0;
    }
    case CMARK_NODE_EMPH:
        if (enter)
            qr_builder_enter(b, QR_NODE_EMPH);
        else
            qr_builder_leave(b);
        return 0;
    case CMARK_NODE_STRONG:
        if (enter)
            qr_builder_enter(b, QR_NODE_STRONG);
        else
            qr_builder_leave(b);
        return 0;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
        if (enter) {
            qr_node *l =
                qr_builder_enter(b, type == CMARK_NODE_LINK ? QR_NODE_LINK : QR_NODE_IMAGE);
            const char *url = cmark_node_get_url(n), *title = cmark_node_get_title(n);
            qr_node_set_url(md->doc, l, url ? url : "");
            if (title && *title)
                qr_node_set_title(md->doc, l, title);
        } else {
            qr_builder_leave(b);
        }
        return 0;
    case CMARK_NODE_FOOTNOTE_REFERENCE:
        if (enter)
            return S_note(md, n, stack, depth, cap);
        return 0;
    default: break;
    }
    /* the extensions' nodes */
    if (S_ext_is(n, "table")) {
        if (enter)
            S_table(md, n);
        else
            qr_builder_leave(b);
    } else if (S_ext_is(n, "table_header") || S_ext_is(n, "table_row")) {
        if (enter) {
            qr_node *r = qr_builder_enter(b, QR_NODE_TABLE_ROW);
            qr_node_set_row_header(r, cmark_gfm_extensions_get_table_row_is_header(n));
        } else {
            qr_builder_leave(b);
        }
    } else if (S_ext_is(n, "table_cell")) {
        if (enter)
            qr_builder_enter(b, QR_NODE_TABLE_CELL);
        else
            qr_builder_leave(b);
    } else if (S_ext_is(n, "strikethrough")) {
        if (enter)
            qr_builder_enter(b, QR_NODE_STRIKE);
        else
            qr_builder_leave(b);
    }
    /* anything else (custom nodes) adds nothing of its own; its children
     * are read in its place */
    return 0;
}

/* Walks the document, and each footnote at its reference. */
static int S_walk(S_md *md)
{
    int cap = 8, depth = 1, rc = 0;
    S_frame *stack = xmalloc((size_t)cap * sizeof *stack);
    stack[0].it = cmark_iter_new(md->root);
    stack[0].note = 0;
    while (depth > 0) {
        S_frame *f = &stack[depth - 1];
        cmark_event_type ev = cmark_iter_next(f->it);
        if (ev == CMARK_EVENT_DONE) {
            cmark_iter_free(f->it);
            if (f->note)
                qr_builder_leave(&md->b); /* the NOTE */
            depth--;
            continue;
        }
        cmark_node *n = cmark_iter_get_node(f->it);
        if (f->note && ++md->note_events > S_MAX_NOTE_EVENTS) {
            rc = qr_error_set(md->err, QR_EX_DATAERR, md->file, md->line, 0,
                              "footnotes are referenced too often: copying them all would make "
                              "a book of millions of nodes");
            break;
        }
        /* definitions stand at the end of cmark's document: they are read
         * where they are referenced, not there */
        if (depth == 1 && cmark_node_get_type(n) == CMARK_NODE_FOOTNOTE_DEFINITION) {
            if (ev == CMARK_EVENT_ENTER)
                cmark_iter_reset(f->it, n, CMARK_EVENT_EXIT);
            continue;
        }
        if (ev == CMARK_EVENT_ENTER && md->first_h1 == NULL && depth == 1 &&
            cmark_node_parent(n) == md->root) {
            /* the book's title, when the file opens with an h1 */
            md->first_h1 = "";
            if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
                cmark_node_get_heading_level(n) == 1) {
                qr_buf t = QR_BUF_INIT;
                cmark_iter *ti = cmark_iter_new(n);
                cmark_event_type te;
                while ((te = cmark_iter_next(ti)) != CMARK_EVENT_DONE) {
                    cmark_node *c = cmark_iter_get_node(ti);
                    cmark_node_type ct = cmark_node_get_type(c);
                    if (te == CMARK_EVENT_ENTER && (ct == CMARK_NODE_TEXT || ct == CMARK_NODE_CODE))
                        qr_buf_adds(&t, cmark_node_get_literal(c));
                    else if (ct == CMARK_NODE_SOFTBREAK || ct == CMARK_NODE_LINEBREAK)
                        qr_buf_addc(&t, ' ');
                }
                cmark_iter_free(ti);
                md->first_h1 = qr_arena_strndup(qr_doc_arena(md->doc), t.ptr, t.len);
                qr_buf_release(&t);
            }
        }
        if (S_event(md, ev, n, &stack, &depth, &cap) < 0) {
            rc = -1;
            break;
        }
    }
    for (int i = 0; i < depth; i++)
        cmark_iter_free(stack[i].it);
    free(stack);
    return rc;
}

/* Footnotes ------------------------------------------------------------------- */

/* The definitions cmark kept (the referenced ones), in number order. */
static void S_collect_defs(S_md *md)
{
    int cap = 0;
    for (cmark_node *c = cmark_node_first_child(md->root); c; c = cmark_node_next(c)) {
        if (cmark_node_get_type(c) != CMARK_NODE_FOOTNOTE_DEFINITION)
            continue;
        if (md->n_defs == cap) {
            cap = cap ? cap * 2 : 16;
            md->defs = xrealloc(md->defs, (size_t)cap * sizeof *md->defs);
        }
        md->defs[md->n_defs++] = c;
    }
}

/*
 * cmark drops a footnote definition that nothing references. Its lines are
 * then covered by no block of the tree: a `[^label]:` line (after block
 * quote markers and indentation) that no block covers was such a one.
 */
static void S_warn_unreferenced(S_md *md)
{
    unsigned char *covered = xcalloc((size_t)md->n_lines + 2, 1);
    cmark_iter *it = cmark_iter_new(md->root);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev != CMARK_EVENT_ENTER || t == CMARK_NODE_DOCUMENT ||
            (t & CMARK_NODE_TYPE_MASK) != CMARK_NODE_TYPE_BLOCK)
            continue;
        if (t == CMARK_NODE_BLOCK_QUOTE || t == CMARK_NODE_LIST || t == CMARK_NODE_ITEM)
            continue; /* containers: their leaves say which lines are theirs */
        int a = cmark_node_get_start_line(n), z = cmark_node_get_end_line(n);
        if (z < a)
            z = a;
        for (int i = a; i <= z && i <= md->n_lines; i++)
            if (i >= 1)
                covered[i] = 1;
    }
    cmark_iter_free(it);
    for (int i = 1; i <= md->n_lines; i++) {
        if (covered[i])
            continue;
        size_t len, k = 0;
        const char *s = S_line_text(md, i, &len);
        while (k < len && (s[k] == ' ' || s[k] == '\t' || s[k] == '>'))
            k++;
        if (k + 3 > len || s[k] != '[' || s[k + 1] != '^')
            continue;
        size_t e = k + 2;
        while (e < len && s[e] != ']' && s[e] != '[')
            e++;
        if (e + 1 < len && s[e] == ']' && s[e + 1] == ':' && e > k + 2)
            qr_warn(md->file, i, (int)k + 1, "footnote [^%.*s] is never referenced",
                    (int)(e - k - 2), s + k + 2);
    }
    free(covered);
}

/* Reading ---------------------------------------------------------------------- */

int qr_read_markdown(qr_doc *doc, const char *file, const char *data, size_t len, int flags,
                     qr_error *err)
{
    S_md md;
    memset(&md, 0, sizeof md);
    md.doc = doc;
    md.file = file;
    md.src = data;
    md.len = len;
    md.flags = flags;
    md.err = err;
    cmark_parser *parser = NULL;
    char *body = NULL;
    int rc = -1;

    if (qr_read_check(file, data, len, err) < 0)
        goto done;
    if (S_blank_text(data, len)) {
        qr_error_set(err, QR_EX_DATAERR, file, 0, 0, "empty manuscript: no text in this file");
        goto done;
    }
    S_index_lines(&md);

    /* The body: the file with its front matter's lines blanked (their line
     * endings kept, so cmark's line numbers are the file's). */
    body = xmalloc(len + 1);
    memcpy(body, data, len);
    size_t from = 0;
    if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0) {
        memset(body, ' ', 3);
        from = 3;
    }
    int last;
    S_find_front_matter(&md, &last);
    if (last > 0) {
        if (S_front_matter(&md, last) < 0)
            goto done;
        size_t end = last < md.n_lines ? md.lines[last] : len;
        for (size_t i = from; i < end; i++)
            if (body[i] != '\n' && body[i] != '\r')
                body[i] = ' ';
        if (S_blank_text(body, len)) {
            qr_error_set(err, QR_EX_DATAERR, file, 0, 0,
                         "empty manuscript: no text after the front matter");
            goto done;
        }
    }

    cmark_gfm_core_extensions_ensure_registered();
    parser = cmark_parser_new(CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES);
    static const char *const extensions[] = {"table", "strikethrough", "autolink"};
    for (size_t i = 0; i < QR_ARRAY_LEN(extensions); i++) {
        cmark_syntax_extension *e = cmark_find_syntax_extension(extensions[i]);
        if (!e || !cmark_parser_attach_syntax_extension(parser, e)) {
            qr_error_set(err, QR_EX_SOFTWARE, file, 0, 0, "cmark-gfm: no %s extension",
                         extensions[i]);
            goto done;
        }
    }
    cmark_parser_feed(parser, body, len);
    md.root = cmark_parser_finish(parser);
    if (!md.root) {
        qr_error_set(err, QR_EX_SOFTWARE, file, 0, 0, "cmark-gfm: cannot parse");
        goto done;
    }
    S_collect_defs(&md);

    qr_builder_init(&md.b, doc);
    md.line = 1;
    int walked = S_walk(&md);
    S_close_chapter(&md);
    qr_builder_finish(&md.b);
    if (walked < 0)
        goto done;
    if (md.html_seen > S_MAX_HTML_WARNINGS)
        qr_warn(file, 0, 0, "%d more pieces of raw HTML set as text",
                md.html_seen - S_MAX_HTML_WARNINGS);
    S_warn_unreferenced(&md);

    qr_meta *m = qr_doc_meta(doc);
    if ((flags & QR_READ_FIRST) && !m->title) {
        if (md.fm_title)
            m->title = md.fm_title;
        else if (md.first_h1 && *md.first_h1)
            m->title = md.first_h1;
    }
    rc = 0;
done:
    if (md.root)
        cmark_node_free(md.root);
    if (parser)
        cmark_parser_free(parser);
    free(body);
    free(md.lines);
    free(md.defs);
    return rc;
}
