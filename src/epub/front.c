/*
 * front.c: the pages quire makes from the metadata, after the cover and
 * before the book's own front matter: a title page (EPUB 3 SSV titlepage)
 * and a copyright page (copyright-page), and the small stylesheet that
 * declares the code font when the book embeds it.
 *
 * Their words ("Translated by", "Published by") are English: in a book in
 * another language the section says so with xml:lang, and the metadata's
 * values keep the book's language.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "epub_internal.h"

typedef struct S_page {
    const qr_epub_book *bk;
    qr_xw *x;
    int english; /* the book is in English: no language marks needed */
} S_page;

static int S_blank(const char *s)
{
    if (!s)
        return 1;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    return *s == '\0';
}

/* A value of the metadata, in the book's language when the page is not. */
static void S_value(S_page *p, const char *s)
{
    if (p->english) {
        qr_xw_texts(p->x, s);
        return;
    }
    qr_xw_start(p->x, "span");
    qr_xw_attr(p->x, "xml:lang", p->bk->lang);
    qr_xw_attr(p->x, "lang", p->bk->lang);
    qr_xw_texts(p->x, s);
    qr_xw_close(p->x);
}

/* <p class="cls">label value</p>; label may be NULL. A `code` value (a
 * date, an ISBN, a URL) is in no language. */
static void S_line_as(S_page *p, const char *cls, const char *label, const char *value, int code)
{
    if (S_blank(value))
        return;
    qr_xw_start(p->x, "p");
    qr_xw_attr(p->x, "class", cls);
    if (label) {
        qr_xw_texts(p->x, label);
        qr_xw_texts(p->x, " ");
    }
    if (code)
        qr_xw_texts(p->x, value);
    else
        S_value(p, value);
    qr_xw_close(p->x);
    qr_xw_nl(p->x);
}

static void S_line(S_page *p, const char *cls, const char *label, const char *value)
{
    S_line_as(p, cls, label, value, 0);
}

/* The creators: the authors on one line, joined by "and" or commas; each
 * other role on a line of its own ("Translated by ..."). */
static void S_creators(S_page *p, const char *author_label)
{
    const qr_meta *m = qr_doc_meta_const(p->bk->doc);
    int n = m->n_creators < QR_MAX_CREATORS ? m->n_creators : QR_MAX_CREATORS;
    int authors = 0;
    for (int i = 0; i < n; i++)
        authors += qr_meta_is_author(&m->creators[i]);
    if (authors > 0) {
        qr_xw_start(p->x, "p");
        qr_xw_attr(p->x, "class", "author");
        if (author_label) {
            qr_xw_texts(p->x, author_label);
            qr_xw_texts(p->x, " ");
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (!qr_meta_is_author(&m->creators[i]))
                continue;
            qr_xw_texts(p->x, qr_meta_author_separator(k, authors));
            S_value(p, m->creators[i].name);
            k++;
        }
        qr_xw_close(p->x);
        qr_xw_nl(p->x);
    }
    for (int i = 0; i < n; i++) {
        const char *phrase = qr_meta_role_phrase(m->creators[i].role);
        if (phrase)
            S_line(p, "contributor", phrase, m->creators[i].name);
    }
}

/* The start of a front page: its document, and a section with its type. */
static void S_begin(S_page *p, const char *title, const char *cls, const char *type)
{
    char css[128];
    snprintf(css, sizeof css, "../%s", p->bk->css_href);
    qr_epub_page_start(p->x, p->bk->lang, title, css, NULL);
    qr_xw_start(p->x, "section");
    qr_xw_attr(p->x, "class", cls);
    qr_xw_attr(p->x, "epub:type", type);
    if (!p->english) {
        qr_xw_attr(p->x, "xml:lang", "en");
        qr_xw_attr(p->x, "lang", "en");
    }
    qr_xw_nl(p->x);
}

static int S_end(S_page *p, const char *what, qr_error *err)
{
    qr_xw_close(p->x); /* section */
    qr_xw_nl(p->x);
    qr_epub_page_end(p->x);
    return qr_xw_end(p->x, what, err);
}

static int S_is_english(const char *lang)
{
    return strncasecmp(lang, "en", 2) == 0 && (lang[2] == '\0' || lang[2] == '-');
}

int qr_epub_write_titlepage(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    S_page p = {bk, x, S_is_english(bk->lang)};
    const qr_meta *m = qr_doc_meta_const(bk->doc);
    S_begin(&p, bk->title, "titlepage", "titlepage");
    qr_xw_start(x, "h1");
    qr_xw_attr(x, "class", "title");
    S_value(&p, bk->title);
    qr_xw_close(x);
    qr_xw_nl(x);
    S_line(&p, "subtitle", NULL, bk->subtitle);
    S_creators(&p, NULL);
    S_line(&p, "publisher", NULL, m->publisher);
    return S_end(&p, QR_EPUB_TITLE_PAGE, err);
}

int qr_epub_write_copyright(const qr_epub_book *bk, qr_xw *x, qr_buf *out, qr_error *err)
{
    if (qr_xw_begin(x, out, err) < 0)
        return -1;
    S_page p = {bk, x, S_is_english(bk->lang)};
    const qr_meta *m = qr_doc_meta_const(bk->doc);
    S_begin(&p, "Copyright", "copyright", "copyright-page");

    qr_xw_start(x, "p");
    qr_xw_attr(x, "class", "title");
    S_value(&p, bk->title);
    if (bk->subtitle) {
        qr_xw_texts(x, ": ");
        S_value(&p, bk->subtitle);
    }
    qr_xw_close(x);
    qr_xw_nl(x);
    S_creators(&p, "by");
    if (!S_blank(m->series)) {
        qr_buf s = QR_BUF_INIT;
        qr_buf_adds(&s, m->series);
        if (!S_blank(m->series_position))
            qr_buf_addf(&s, ", volume %s", m->series_position);
        S_line(&p, "series", "Series:", s.ptr);
        qr_buf_release(&s);
    }
    S_line(&p, "rights", NULL, m->rights);
    S_line(&p, "publisher", "Published by", m->publisher);
    if (qr_w3c_date_ok(m->date))
        S_line_as(&p, "date", "Publication date:", m->date, 1);
    if (!S_blank(m->isbn))
        S_line_as(&p, "isbn", "ISBN", m->isbn, 1);
    /* the identifier when the book was given one (and it is not the ISBN):
     * one derived from the content means nothing to a reader */
    int own_id = !S_blank(m->identifier) &&
                 (!bk->isbn_urn || strcmp(bk->identifier, bk->isbn_urn) != 0);
    if (own_id)
        S_line_as(&p, "identifier", "Identifier:", bk->identifier, 1);
    if (!own_id || !m->source || strcmp(m->source, bk->identifier) != 0)
        S_line_as(&p, "source", "Source:", m->source, 1);
    qr_xw_start(x, "p");
    qr_xw_attr(x, "class", "colophon");
    qr_xw_texts(x, "Made with quire.");
    qr_xw_close(x);
    qr_xw_nl(x);
    return S_end(&p, QR_EPUB_COPYRIGHT_PAGE, err);
}

void qr_epub_code_css(const qr_epub_book *bk, qr_buf *out)
{
    const qr_resource *f = bk->opt->code_font;
    qr_buf_adds(out, "/* The monospace face for code, embedded because this book has code. */\n");
    qr_buf_addf(out,
                "@font-face {\n"
                "    font-family: \"Noto Sans Mono\";\n"
                "    font-style: normal;\n"
                "    font-weight: normal;\n"
                "    src: url(\"../" QR_EPUB_FONT_DIR "%s\");\n"
                "}\n",
                f ? f->name : "");
}
