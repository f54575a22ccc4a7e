/*
 * xhtml.c: one XHTML content document per unit of the plan (EPUB 3.3
 * "XHTML content documents": HTML in the XML syntax).
 *
 *   <html xmlns=".." xmlns:epub=".." xml:lang="L" lang="L">
 *   <head><title>..</title><link rel="stylesheet" ../></head>
 *   <body><section epub:type=".." role=".."> blocks </section></body>
 *
 * The blocks are written with the model's ENTER/EXIT iterator, so nesting
 * depth costs no stack.
 */
#include <stdio.h>
#include <string.h>

#include "epub_internal.h"

typedef struct S_ctx {
    const qr_epub_book *bk;
    const qr_epub_unit *u;
    qr_xw *x;
    int n_headings;  /* headings other than the title so far */
    int title_level; /* the level of the unit's title heading, or 0 */
} S_ctx;

/* Borrowed (static): the element a heading becomes. The unit's title is
 * h1; the headings under it keep their distance from it, at h2 or below
 * (HTML has h1..h6). */
static const char *S_heading_tag(const S_ctx *c, const qr_node *h)
{
    static const char *const tags[] = {"h1", "h1", "h2", "h3", "h4", "h5", "h6"};
    if (h == c->u->title)
        return "h1";
    int level = qr_node_level(h);
    int lo = 1;
    if (c->title_level) {
        level = level - c->title_level + 1;
        lo = 2;
    }
    if (level < lo)
        level = lo;
    if (level > 6)
        level = 6;
    return tags[level];
}

/* xml:lang and lang when n's own language differs from the one in force
 * around it (HTML: both attributes, with the same value). */
static void S_lang_attrs(S_ctx *c, const qr_node *n)
{
    const char *lang = qr_node_lang(n);
    if (!lang || !qr_epub_lang_ok(lang))
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

static void S_enter(S_ctx *c, const qr_node *n)
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
        qr_xw_text(x, s, len);
        if (span)
            qr_xw_close(x);
        return;
    }
    case QR_NODE_LINE_BREAK:
        qr_xw_start(x, "br");
        qr_xw_close(x);
        return;
    case QR_NODE_SCENE_BREAK:
        /* a thematic break; the stylesheet shows it as an ornament */
        qr_xw_start(x, "hr");
        qr_xw_attr(x, "class", "scene-break");
        S_lang_attrs(c, n);
        qr_xw_close(x);
        qr_xw_nl(x);
        return;
    case QR_NODE_HEADING: {
        /* stable ids for links: the title is "title", the others count */
        char id[32];
        if (n == c->u->title)
            snprintf(id, sizeof id, "title");
        else
            snprintf(id, sizeof id, "heading-%d", ++c->n_headings);
        qr_xw_start(x, S_heading_tag(c, n));
        qr_xw_attr(x, "id", id);
        break;
    }
    case QR_NODE_PARAGRAPH: qr_xw_start(x, "p"); break;
    case QR_NODE_BLOCK_QUOTE:
        qr_xw_start(x, "blockquote");
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return;
    case QR_NODE_EMPH: qr_xw_start(x, "em"); break;
    case QR_NODE_STRONG: qr_xw_start(x, "strong"); break;
    case QR_NODE_CHAPTER: /* not expected inside a chapter: a plain section */
        qr_xw_start(x, "section");
        S_lang_attrs(c, n);
        qr_xw_nl(x);
        return;
    case QR_NODE_DOCUMENT:
    case QR_NODE_NONE: qr_xw_start(x, "div"); break;
    }
    S_lang_attrs(c, n);
}

static void S_exit(S_ctx *c, const qr_node *n)
{
    qr_xw_close(c->x);
    if (qr_node_is_block(n))
        qr_xw_nl(c->x);
}

static void S_section_attrs(qr_xw *x, const qr_epub_unit *u)
{
    /* EPUB 3 Structural Semantics Vocabulary for epub:type; DPUB-ARIA 1.0
     * roles, which HTML allows on <section>. Front and back matter have no
     * DPUB-ARIA role of their own, so they carry none. */
    /* The class repeats the kind for the stylesheet: readers' CSS engines
     * differ in their support of namespaced attribute selectors. */
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

void qr_epub_page_start(qr_xw *x, const char *lang, const char *title, const char *css_href)
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
    S_ctx c = {bk, u, x, 0, u->title ? qr_node_level(u->title) : 0};
    char css[128];
    snprintf(css, sizeof css, "../%s", bk->css_href);

    /* HTML: <title> must not be empty: the heading, else the book's title. */
    qr_epub_page_start(x, u->lang, u->title_text ? u->title_text : bk->title, css);
    qr_xw_start(x, "section");
    S_section_attrs(x, u);
    qr_xw_nl(x);

    for (const qr_node *top = u->first; top; top = top == u->last ? NULL : qr_node_next(top)) {
        qr_iter it;
        qr_iter_init(&it, top);
        qr_event ev;
        while ((ev = qr_iter_next(&it)) != QR_EV_DONE) {
            const qr_node *n = qr_iter_node(&it);
            if (ev == QR_EV_ENTER)
                S_enter(&c, n);
            else if (ev == QR_EV_EXIT)
                S_exit(&c, n);
        }
        if (x->failed)
            break;
    }

    qr_xw_close(x); /* section */
    qr_xw_nl(x);
    qr_epub_page_end(x);
    return qr_xw_end(x, u->href, err);
}

int qr_epub_write_cover(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    char css[128], img[128];
    snprintf(css, sizeof css, "../%s", bk->css_href);
    snprintf(img, sizeof img, "../%s", bk->cover_href);
    qr_epub_page_start(x, bk->lang, bk->title, css);
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
