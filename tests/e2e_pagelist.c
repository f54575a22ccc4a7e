/*
 * e2e_pagelist.c: the EPUB knows the printed pages (issue 6), and is
 * accessible by default.
 *
 * For a book built in both formats: the EPUB's page-list has one entry per
 * PDF page that carries body text, in page order, each resolving to a
 * marker in a spine document; and the words after each marker are the
 * first body words of that PDF page as pdftotext reads it (running head
 * and folio left out). `quire trace` gives each page's folio, so a label
 * names its PDF page (a cover adds pages before the layout's first).
 * EPUBCheck passes the books with their page-list; Ace by DAISY finds no
 * violation (a run that wrote no report fails).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/* The one file with suffix `ext` in dir, into out; 0 when found. */
static int S_find(const char *dir, const char *ext, qr_buf *out)
{
    qr_buf list = QR_BUF_INIT;
    const char *argv[] = {"sh", "-c", "ls -1 \"$0\"/*\"$1\" 2>/dev/null | head -1", dir, ext, NULL};
    int rc = qt_run(argv, NULL, &list, NULL);
    while (list.len > 0 && (list.ptr[list.len - 1] == '\n' || list.ptr[list.len - 1] == '\r'))
        qr_buf_truncate(&list, list.len - 1);
    qr_buf_reset(out);
    if (rc == 0 && list.len > 0)
        qr_buf_add(out, list.ptr, list.len);
    qr_buf_release(&list);
    return out->len > 0 ? 0 : -1;
}

/* Runs quire with args (NULL-terminated, at most 12); stderr into err. */
static int S_quire_run(const char *const *args, qr_buf *out, qr_buf *err)
{
    const char *argv[16] = {S_quire()};
    int n = 1;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    const char *env[] = {"SOURCE_DATE_EPOCH=1700000000", NULL};
    return qt_run(argv, env, out, err);
}

/* Letters and digits of s (lower-cased ASCII, other scripts as they are),
 * appended to out; the rest (spaces, punctuation, hyphens) dropped. */
static void S_letters(const char *s, size_t len, qr_buf *out)
{
    for (size_t i = 0; i < len;) {
        uint32_t c;
        int n = qr_utf8_decode(s + i, len - i, &c);
        if (n <= 0)
            n = 1;
        else if (qt_word_cp(c)) {
            if (c < 0x80)
                qr_buf_addc(out, c >= 'A' && c <= 'Z' ? (int)(c - 'A' + 'a') : (int)c);
            else
                qr_buf_add(out, s + i, (size_t)n);
        }
        i += (size_t)n;
    }
}

/* Appends the text of XHTML from `from` on, tags dropped and the five
 * entities and numeric ones read, until out holds `want` letters. */
static void S_xhtml_letters(const char *x, size_t want, qr_buf *out)
{
    qr_buf text = QR_BUF_INIT;
    for (const char *p = x; *p && out->len < want;) {
        if (*p == '<') {
            const char *e = strchr(p, '>');
            if (!e)
                break;
            p = e + 1;
            continue;
        }
        qr_buf_reset(&text);
        if (*p == '&') {
            const char *e = strchr(p, ';');
            if (e && e - p < 12) {
                if (p[1] == '#') {
                    unsigned long v =
                        p[2] == 'x' ? strtoul(p + 3, NULL, 16) : strtoul(p + 2, NULL, 10);
                    qr_buf_add_utf8(&text, (uint32_t)v);
                }
                /* &amp; &lt; &gt; &quot; &apos;: no letters */
                p = e + 1;
                S_letters(text.ptr, text.len, out);
                continue;
            }
        }
        const char *e = p;
        while (*e && *e != '<' && *e != '&')
            e++;
        S_letters(p, (size_t)(e - p), out);
        p = e;
    }
    qr_buf_release(&text);
}

typedef struct entry {
    char href[128];
    char label[32];
} entry;

/* The page-list entries of the navigation document; -1 when it has none. */
static int S_page_list(const char *nav, entry **out, int *n)
{
    *out = NULL;
    *n = 0;
    const char *p = strstr(nav, "epub:type=\"page-list\"");
    if (!p)
        return -1;
    const char *end = strstr(p, "</nav>");
    int cap = 0;
    while ((p = strstr(p, "<a href=\"")) && p < end) {
        p += 9;
        const char *q = strchr(p, '"');
        const char *l = q ? strchr(q, '>') : NULL;
        const char *le = l ? strchr(l, '<') : NULL;
        if (!le)
            break;
        if (*n == cap)
            *out = xrealloc(*out, sizeof **out * (size_t)(cap = cap ? cap * 2 : 64));
        entry *e = &(*out)[(*n)++];
        snprintf(e->href, sizeof e->href, "%.*s", (int)(q - p), p);
        snprintf(e->label, sizeof e->label, "%.*s", (int)(le - l - 1), l + 1);
        p = le;
    }
    return 0;
}

/* The labels of the toc's entries and the book's title: running heads. */
static void S_heads(const char *nav, const char *opf, qr_buf *heads)
{
    const char *end = strstr(nav, "</nav>");
    for (const char *p = nav; (p = strstr(p, "<a href=\"")) && p < end;) {
        const char *l = strchr(p, '>'), *le = l ? strchr(l, '<') : NULL;
        if (!le)
            break;
        S_letters(l + 1, (size_t)(le - l - 1), heads);
        qr_buf_addc(heads, '\n');
        p = le;
    }
    const char *t = strstr(opf, "<dc:title>");
    if (t) {
        t += 10;
        const char *te = strchr(t, '<');
        if (te) {
            S_letters(t, (size_t)(te - t), heads);
            qr_buf_addc(heads, '\n');
        }
    }
}

/* Whether line (letters) is a running head: a title, or the start of one
 * cut with an ellipsis. */
static int S_is_head(const char *line, size_t len, const char *heads)
{
    if (len == 0)
        return 0;
    for (const char *h = heads; *h;) {
        const char *e = strchr(h, '\n');
        size_t hl = (size_t)(e - h);
        if ((hl == len && memcmp(h, line, len) == 0) ||
            (len >= 8 && hl > len && memcmp(h, line, len) == 0))
            return 1;
        h = e + 1;
    }
    return 0;
}

/* The layout's folios from `quire trace`: folio of layout page i+1. */
static int S_folios(const char *const *src_args, char (**folio)[32], int *n)
{
    const char *args[12] = {"trace"};
    int k = 1;
    for (; src_args[k - 1] && k < 11; k++)
        args[k] = src_args[k - 1];
    args[k] = NULL;
    qr_buf out = QR_BUF_INIT;
    int rc = S_quire_run(args, &out, NULL);
    *folio = NULL;
    *n = 0;
    int cap = 0;
    for (const char *p = out.ptr; rc == 0 && (p = strstr(p, "\npage ")); p++) {
        int page;
        char f[32];
        if (sscanf(p + 6, "%d folio \"%31[^\"]\"", &page, f) != 2)
            continue;
        if (*n == cap)
            *folio = xrealloc(*folio, sizeof **folio * (size_t)(cap = cap ? cap * 2 : 64));
        snprintf((*folio)[(*n)++], 32, "%s", f);
    }
    if (out.len > 5 && strncmp(out.ptr, "page ", 5) == 0) {
        /* the first line has no newline before it */
        int page;
        char f[32];
        if (sscanf(out.ptr + 5, "%d folio \"%31[^\"]\"", &page, f) == 2) {
            *folio = xrealloc(*folio, sizeof **folio * (size_t)(*n + 1));
            memmove(*folio + 1, *folio, sizeof **folio * (size_t)*n);
            snprintf((*folio)[0], 32, "%s", f);
            (*n)++;
        }
    }
    qr_buf_release(&out);
    return rc;
}

static int S_pdf_pages(const char *pdf)
{
    const char *argv[] = {"pdfinfo", pdf, NULL};
    qr_buf out = QR_BUF_INIT;
    int pages = -1;
    if (qt_run(argv, NULL, &out, NULL) == 0) {
        const char *p = strstr(out.ptr, "\nPages:");
        if (p)
            pages = atoi(p + 7);
    }
    qr_buf_release(&out);
    return pages;
}

/* The body letters of PDF page `page` (1-based): pdftotext's lines less a
 * running head first and the folio last; *starts gets where each line's
 * letters start (n_starts lines). */
static void S_pdf_body(const char *pdf, int page, const char *folio, const char *heads,
                       qr_buf *letters, size_t *starts, int *n_starts, int max_starts)
{
    char num[16];
    snprintf(num, sizeof num, "%d", page);
    /* -layout: a table's cells row by row, as the EPUB has them */
    const char *argv[] = {"pdftotext", "-layout", "-f", num, "-l", num,
                          "-enc",      "UTF-8",   pdf,  "-", NULL};
    qr_buf out = QR_BUF_INIT, line = QR_BUF_INIT;
    qt_run(argv, NULL, &out, NULL);
    qr_buf_reset(letters);
    *n_starts = 0;
    /* the lines, as letters */
    qr_buf lines = QR_BUF_INIT; /* letters of each line, '\n' after each */
    for (const char *p = out.ptr; *p;) {
        const char *e = p;
        while (*e && *e != '\n' && *e != '\f')
            e++;
        qr_buf_reset(&line);
        S_letters(p, (size_t)(e - p), &line);
        if (line.len > 0) {
            qr_buf_add(&lines, line.ptr, line.len);
            qr_buf_addc(&lines, '\n');
        }
        p = *e ? e + 1 : e;
    }
    /* drop the folio (the last line) and the running head (the first): a
     * page prints both or neither (a chapter opening, whose first line is
     * its heading) */
    size_t t = lines.len > 1 ? lines.len - 1 : 0;
    while (t > 0 && lines.ptr[t - 1] != '\n')
        t--;
    const char *tail = lines.ptr + t;
    qr_buf f = QR_BUF_INIT;
    S_letters(folio, strlen(folio), &f);
    int folio_printed = 0;
    if (lines.len > 0 && strlen(tail) == f.len + 1 && memcmp(tail, f.ptr, f.len) == 0) {
        qr_buf_truncate(&lines, (size_t)(tail - lines.ptr));
        folio_printed = 1;
    }
    const char *p = lines.ptr;
    const char *first_end = strchr(p, '\n');
    if (folio_printed && first_end && S_is_head(p, (size_t)(first_end - p), heads))
        p = first_end + 1;
    for (; *p;) {
        const char *e = strchr(p, '\n');
        if (*n_starts < max_starts)
            starts[(*n_starts)++] = letters->len;
        qr_buf_add(letters, p, (size_t)(e - p));
        p = e + 1;
    }
    qr_buf_release(&f);
    qr_buf_release(&lines);
    qr_buf_release(&out);
    qr_buf_release(&line);
}

/* Whether letters `want` open the page's body: at the start of one of its
 * first four lines, maybe after a list item's number. */
static int S_opens(const qr_buf *got, const size_t *starts, int n_starts, const char *want,
                   size_t want_len)
{
    for (int l = 0; l < n_starts && l < 4; l++) {
        for (int skip = 0; skip < 2; skip++) {
            const char *a = got->ptr + starts[l];
            if (skip) /* a list item's number before its text */
                while (a < got->ptr + got->len && *a >= '0' && *a <= '9')
                    a++;
            size_t left = got->len - (size_t)(a - got->ptr);
            size_t cmp = want_len < left ? want_len : left;
            if (want_len > 0 && cmp >= (want_len < 8 ? want_len : 8) && memcmp(a, want, cmp) == 0)
                return 1;
        }
    }
    return 0;
}

/* The PDF page (1-based) a label names: its layout page plus the pages
 * the cover adds. */
static int S_page_of(const char *label, char (*folio)[32], int n, int offset)
{
    for (int i = 0; i < n; i++)
        if (strcmp(folio[i], label) == 0)
            return i + 1 + offset;
    return -1;
}

/* Whether a roman numeral (front matter). */
static int S_roman(const char *s)
{
    return *s && strspn(s, "ivxlcdm") == strlen(s);
}

/*
 * Builds SRC (args: source and options) into DIR and checks the page-list
 * against the PDF. Returns the number of entries checked.
 */
static int S_check_book(const char *name, const char *const *src_args)
{
    qr_buf dir = QR_BUF_INIT, epub = QR_BUF_INIT, pdf = QR_BUF_INIT, err = QR_BUF_INIT;
    qr_buf nav = QR_BUF_INIT, opf = QR_BUF_INIT, heads = QR_BUF_INIT, doc = QR_BUF_INIT;
    qr_buf want = QR_BUF_INIT, got = QR_BUF_INIT, docname = QR_BUF_INIT;
    entry *entries = NULL;
    char(*folio)[32] = NULL;
    int n_entries = 0, n_folios = 0, checked = 0;
    qt_scratch(name, &dir);
    const char *args[12] = {"build", "-q", "-o", dir.ptr};
    int k = 4;
    for (int i = 0; src_args[i] && k < 11; i++)
        args[k++] = src_args[i];
    args[k] = NULL;
    int rc = S_quire_run(args, NULL, &err);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0 || S_find(dir.ptr, ".epub", &epub) < 0 || S_find(dir.ptr, ".pdf", &pdf) < 0) {
        qt_fail(__FILE__, __LINE__, "%s: no book built: %s", name, err.ptr);
        goto done;
    }
    qt_epubcheck(epub.ptr);
    CHECK(qt_epub_entry(epub.ptr, "EPUB/nav.xhtml", &nav) == 0);
    CHECK(qt_epub_entry(epub.ptr, "EPUB/package.opf", &opf) == 0);
    if (S_page_list(nav.ptr, &entries, &n_entries) < 0) {
        qt_fail(__FILE__, __LINE__, "%s: the navigation has no page-list", name);
        goto done;
    }
    CHECK_CONTAINS(nav.ptr, "role=\"doc-pagelist\"");
    CHECK_CONTAINS(opf.ptr, "property=\"source-of\">pagination<");
    CHECK_CONTAINS(opf.ptr, ">pageNavigation<");
    S_heads(nav.ptr, opf.ptr, &heads);
    if (S_folios(src_args, &folio, &n_folios) != 0 || n_folios == 0) {
        qt_fail(__FILE__, __LINE__, "%s: quire trace gave no pages", name);
        goto done;
    }
    int pdf_pages = S_pdf_pages(pdf.ptr), offset = pdf_pages - n_folios;
    CHECK(offset >= 0 && offset <= 2);
    /* every entry: its marker, and the page's first words after it */
    unsigned char *listed = xcalloc((size_t)pdf_pages + 2, 1);
    int prev_page = 0;
    size_t starts[6];
    int n_starts;
    for (int i = 0; i < n_entries; i++) {
        const entry *e = &entries[i];
        int page = S_page_of(e->label, folio, n_folios, offset);
        if (page < 1 || page > pdf_pages) {
            qt_fail(__FILE__, __LINE__, "%s: page-list label '%s' is no page of the PDF", name,
                    e->label);
            continue;
        }
        if (page <= prev_page)
            qt_fail(__FILE__, __LINE__, "%s: page %s out of order in the page-list", name,
                    e->label);
        prev_page = page;
        listed[page] = 1;
        char *hash = strchr(e->href, '#');
        if (!hash || strncmp(e->href, "text/", 5) != 0) {
            qt_fail(__FILE__, __LINE__, "%s: page %s links to %s, not a spine document", name,
                    e->label, e->href);
            continue;
        }
        qr_buf_reset(&docname);
        qr_buf_addf(&docname, "EPUB/%.*s", (int)(hash - e->href), e->href);
        qr_buf_reset(&doc);
        if (qt_epub_entry(epub.ptr, docname.ptr, &doc) != 0) {
            qt_fail(__FILE__, __LINE__, "%s: page %s: no %s", name, e->label, docname.ptr);
            continue;
        }
        char id[64];
        snprintf(id, sizeof id, "id=\"%s\"", hash + 1);
        const char *m = strstr(doc.ptr, id);
        const char *tag = m ? strstr(m, "/>") : NULL;
        if (!tag || !strstr(doc.ptr, "epub:type=\"pagebreak\"")) {
            qt_fail(__FILE__, __LINE__, "%s: page %s: no marker %s in %s", name, e->label, id,
                    docname.ptr);
            continue;
        }
        qr_buf_reset(&want);
        S_xhtml_letters(tag + 2, 30, &want);
        if (want.len > 30)
            qr_buf_truncate(&want, 30);
        S_pdf_body(pdf.ptr, page, e->label, heads.ptr, &got, starts, &n_starts, 6);
        /* the words open the page: at its first line, or after a repeated
         * table header or a list's number in the lines above */
        int ok = S_opens(&got, starts, n_starts, want.ptr, want.len);
        if (!ok && page - 1 > offset) {
            /* a word hyphenated across the break: the marker stands before
             * it, so its first part ends the page before */
            qr_buf prev = QR_BUF_INIT;
            size_t ps[6];
            int n_ps;
            S_pdf_body(pdf.ptr, page - 1, folio[page - 2 - offset], heads.ptr, &prev, ps, &n_ps, 6);
            for (size_t j = 1; j + 8 <= want.len && j < 20 && !ok; j++)
                ok = prev.len >= j && memcmp(prev.ptr + prev.len - j, want.ptr, j) == 0 &&
                     S_opens(&got, starts, n_starts, want.ptr + j, want.len - j);
            qr_buf_release(&prev);
        }
        if (!ok)
            qt_fail(__FILE__, __LINE__,
                    "%s: page %s (PDF page %d): after the marker \"%s\", the page begins \"%.60s\"",
                    name, e->label, page, want.ptr, got.ptr);
        checked++;
    }
    /* every page with body text is listed: pages of the body (arabic
     * folios) with text that is not only a figure's caption or a
     * footnote's lines (a number and an en space) */
    for (int i = 0; i < n_folios; i++) {
        int page = i + 1 + offset;
        if (S_roman(folio[i]) || listed[page])
            continue;
        S_pdf_body(pdf.ptr, page, folio[i], heads.ptr, &got, starts, &n_starts, 6);
        if (got.len == 0)
            continue;
        char num[16];
        snprintf(num, sizeof num, "%d", page);
        const char *tt[] = {"pdftotext", "-f", num, "-l", num, "-enc", "UTF-8", pdf.ptr, "-", NULL};
        qr_buf raw = QR_BUF_INIT;
        qt_run(tt, NULL, &raw, NULL);
        /* a footnote goes on (its lines only), or a figure alone */
        int note_only = strstr(raw.ptr, "\xE2\x80\x82") != NULL;
        qr_buf cap = QR_BUF_INIT, all = QR_BUF_INIT;
        int caption = 0;
        for (int u = 1; u < 100; u++) {
            qr_buf_reset(&docname);
            qr_buf_addf(&docname, "EPUB/text/chapter-%03d.xhtml", u);
            qr_buf_reset(&all);
            if (qt_epub_entry(epub.ptr, docname.ptr, &all) != 0)
                break;
            for (const char *f = all.ptr; (f = strstr(f, "<figcaption>"));) {
                f += 12;
                const char *fe = strstr(f, "</figcaption>");
                qr_buf_reset(&cap);
                S_letters(f, fe ? (size_t)(fe - f) : 0, &cap);
                if (cap.len > 0 && strstr(got.ptr, cap.ptr) == got.ptr)
                    caption = 1;
            }
        }
        qr_buf_release(&cap);
        qr_buf_release(&all);
        if (!caption && !note_only)
            qt_fail(__FILE__, __LINE__,
                    "%s: PDF page %d (folio %s) has body text \"%.40s\" but "
                    "no page-list entry",
                    name, page, folio[i], got.ptr);
        qr_buf_release(&raw);
    }
    free(listed);
    if (qt_verbose())
        fprintf(stderr, "  %s: %d pages checked of %d\n", name, checked, pdf_pages);
done:
    free(entries);
    free(folio);
    qr_buf_release(&dir);
    qr_buf_release(&epub);
    qr_buf_release(&pdf);
    qr_buf_release(&err);
    qr_buf_release(&nav);
    qr_buf_release(&opf);
    qr_buf_release(&heads);
    qr_buf_release(&doc);
    qr_buf_release(&want);
    qr_buf_release(&got);
    qr_buf_release(&docname);
    return checked;
}

static void test_seed_pages(void)
{
    const char *src[] = {".", NULL};
    CHECK(S_check_book("pagelist-seed", src) >= 2);
}

static void test_rich_pages(void)
{
    const char *src[] = {"tests/fixtures/rich", NULL};
    CHECK(S_check_book("pagelist-rich", src) >= 10);
}

static void test_corpus_pages(void)
{
    const char *src[] = {"tests/corpus/frankenstein.txt", NULL};
    CHECK(S_check_book("pagelist-frankenstein", src) >= 150);
}

/* The marker and the page-list entry, exactly as the issue spells them. */
static void test_labels_as_printed(void)
{
    qr_buf dir = QR_BUF_INIT, epub = QR_BUF_INIT, nav = QR_BUF_INIT, x = QR_BUF_INIT;
    qt_scratch("pagelist-labels", &dir);
    const char *args[] = {"build", "-q", "-f", "epub", "-o", dir.ptr, ".", NULL};
    CHECK_INT_EQ(S_quire_run(args, NULL, NULL), 0);
    if (S_find(dir.ptr, ".epub", &epub) == 0) {
        CHECK(qt_epub_entry(epub.ptr, "EPUB/nav.xhtml", &nav) == 0);
        CHECK(qt_epub_entry(epub.ptr, "EPUB/text/chapter-001.xhtml", &x) == 0);
        /* the exact marker the issue asks for */
        CHECK_CONTAINS(x.ptr, "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" "
                              "id=\"page-1\" aria-label=\"1\"/>");
        CHECK_CONTAINS(nav.ptr, "<a href=\"text/chapter-001.xhtml#page-1\">1</a>");
        /* -f epub writes no PDF */
        qr_buf pdf = QR_BUF_INIT;
        CHECK(S_find(dir.ptr, ".pdf", &pdf) < 0);
        qr_buf_release(&pdf);
    }
    qr_buf_release(&dir);
    qr_buf_release(&epub);
    qr_buf_release(&nav);
    qr_buf_release(&x);
}

/* -f epub lays out the same pages as a build of both: one layout, the same
 * bytes; and a rebuild gives the same bytes. */
static void test_epub_only_same_bytes(void)
{
    qr_buf a = QR_BUF_INIT, b = QR_BUF_INIT, ea = QR_BUF_INIT, eb = QR_BUF_INIT;
    qt_scratch("pagelist-both", &a);
    qt_scratch("pagelist-epub", &b);
    const char *both[] = {"build", "-q", "-o", a.ptr, "tests/fixtures/rich", NULL};
    const char *one[] = {"build", "-q", "-f", "epub", "-o", b.ptr, "tests/fixtures/rich", NULL};
    CHECK_INT_EQ(S_quire_run(both, NULL, NULL), 0);
    CHECK_INT_EQ(S_quire_run(one, NULL, NULL), 0);
    if (S_find(a.ptr, ".epub", &ea) == 0 && S_find(b.ptr, ".epub", &eb) == 0)
        CHECK(qt_same_file(ea.ptr, eb.ptr));
    else
        qt_fail(__FILE__, __LINE__, "no EPUB built");
    qr_buf_release(&a);
    qr_buf_release(&b);
    qr_buf_release(&ea);
    qr_buf_release(&eb);
}

static void test_no_page_list(void)
{
    qr_buf dir = QR_BUF_INIT, epub = QR_BUF_INIT, nav = QR_BUF_INIT, opf = QR_BUF_INIT;
    qr_buf text = QR_BUF_INIT, all = QR_BUF_INIT;
    qt_scratch("pagelist-none", &dir);
    const char *args[] = {
        "build", "-q", "-f", "epub", "--no-page-list", "-o", dir.ptr, "tests/fixtures/rich", NULL};
    CHECK_INT_EQ(S_quire_run(args, NULL, NULL), 0);
    if (S_find(dir.ptr, ".epub", &epub) == 0) {
        qt_epubcheck(epub.ptr);
        int n_docs = 0;
        CHECK(qt_epub_spine_text(epub.ptr, &nav, &text, &opf, &n_docs) == 0);
        CHECK(qt_epub_entry(epub.ptr, "EPUB/nav.xhtml", &all) == 0);
        CHECK(!strstr(all.ptr, "page-list"));
        CHECK(!strstr(opf.ptr, "pageNavigation"));
        CHECK(!strstr(opf.ptr, "source-of"));
        for (int u = 1; u < 50; u++) {
            char name[64];
            snprintf(name, sizeof name, "EPUB/text/chapter-%03d.xhtml", u);
            qr_buf_reset(&all);
            if (qt_epub_entry(epub.ptr, name, &all) != 0)
                break;
            CHECK(!strstr(all.ptr, "pagebreak"));
        }
        /* still accessible: the rest of the metadata stands */
        CHECK_CONTAINS(opf.ptr, "<meta property=\"schema:accessMode\">textual</meta>");
    } else {
        qt_fail(__FILE__, __LINE__, "no EPUB built");
    }
    qr_buf_release(&dir);
    qr_buf_release(&epub);
    qr_buf_release(&nav);
    qr_buf_release(&opf);
    qr_buf_release(&text);
    qr_buf_release(&all);
}

/* EPUB Accessibility 1.1 by default, and book.yaml's accessibility: */
static void test_a11y_metadata(void)
{
    qr_buf dir = QR_BUF_INIT, epub = QR_BUF_INIT, opf = QR_BUF_INIT, x = QR_BUF_INIT;
    qt_scratch("a11y-default", &dir);
    const char *args[] = {"build", "-q", "-f", "epub", "-o", dir.ptr, "tests/fixtures/rich", NULL};
    CHECK_INT_EQ(S_quire_run(args, NULL, NULL), 0);
    if (S_find(dir.ptr, ".epub", &epub) == 0 &&
        qt_epub_entry(epub.ptr, "EPUB/package.opf", &opf) == 0) {
        static const char *const want[] = {
            "<meta property=\"schema:accessMode\">textual</meta>",
            "<meta property=\"schema:accessMode\">visual</meta>",
            "<meta property=\"schema:accessModeSufficient\">textual</meta>",
            "<meta property=\"schema:accessibilityFeature\">structuralNavigation</meta>",
            "<meta property=\"schema:accessibilityFeature\">tableOfContents</meta>",
            "<meta property=\"schema:accessibilityFeature\">readingOrder</meta>",
            "<meta property=\"schema:accessibilityFeature\">pageBreakMarkers</meta>",
            "<meta property=\"schema:accessibilityFeature\">pageNavigation</meta>",
            "<meta property=\"schema:accessibilityFeature\">alternativeText</meta>",
            "<meta property=\"schema:accessibilityHazard\">none</meta>",
            "<meta property=\"schema:accessibilitySummary\">",
            "<meta property=\"dcterms:conformsTo\">EPUB Accessibility 1.1 - WCAG 2.2 Level "
            "AA</meta>",
            /* the rich fixture has an ISBN: the print edition's identifier */
            "<dc:source id=\"print-source\">urn:isbn:9783161484100</dc:source>",
            "xml:lang=\"en\"",
        };
        for (size_t i = 0; i < QR_ARRAY_LEN(want); i++)
            CHECK_CONTAINS(opf.ptr, want[i]);
        CHECK(qt_epub_entry(epub.ptr, "EPUB/nav.xhtml", &x) == 0);
        CHECK_CONTAINS(x.ptr, "role=\"doc-toc\"");
        CHECK_CONTAINS(x.ptr, "epub:type=\"landmarks\"");
        CHECK_CONTAINS(x.ptr, "xml:lang=\"en\"");
    } else {
        qt_fail(__FILE__, __LINE__, "no EPUB built");
    }
    qr_buf_release(&dir);
    qr_buf_release(&epub);
    qr_buf_release(&opf);
    qr_buf_release(&x);
}

static void test_a11y_override(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qr_buf epub = QR_BUF_INIT, opf = QR_BUF_INIT;
    qt_scratch("a11y-override", &dir);
    qr_buf_addf(&path, "%s/seeds", dir.ptr);
    mkdir(path.ptr, 0777);
    qr_buf_adds(&path, "/01.md");
    static const char md[] = "# One\n\nA first paragraph of the book.\n";
    qt_write(path.ptr, md, sizeof md - 1);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/book.yaml", dir.ptr);
    static const char yaml[] = "title: Overridden\n"
                               "accessibility:\n"
                               "  summary: Read aloud by its author.\n"
                               "  features: [tableOfContents, synchronizedAudioText]\n"
                               "  hazards: [noFlashingHazard, noSoundHazard]\n"
                               "  access_modes: textual\n"
                               "  conforms_to: EPUB Accessibility 1.1 - WCAG 2.1 Level A\n"
                               "  certifier: Nobody\n";
    qt_write(path.ptr, yaml, sizeof yaml - 1);
    qr_buf_reset(&out);
    qr_buf_addf(&out, "%s/dist", dir.ptr);
    const char *args[] = {"build", "-f", "epub", dir.ptr, NULL};
    CHECK_INT_EQ(S_quire_run(args, NULL, &err), 0);
    /* an unknown key warns, at its line */
    CHECK_CONTAINS(err.ptr, "book.yaml:8:3: warning: unknown key 'certifier'");
    if (S_find(out.ptr, ".epub", &epub) == 0 &&
        qt_epub_entry(epub.ptr, "EPUB/package.opf", &opf) == 0) {
        CHECK_CONTAINS(opf.ptr, "<meta property=\"schema:accessibilitySummary\">Read aloud by "
                                "its author.</meta>");
        CHECK_CONTAINS(opf.ptr, ">synchronizedAudioText<");
        CHECK(!strstr(opf.ptr, ">structuralNavigation<"));
        CHECK_CONTAINS(opf.ptr, ">noFlashingHazard<");
        CHECK_CONTAINS(opf.ptr, ">noSoundHazard<");
        CHECK(!strstr(opf.ptr, "accessibilityHazard\">none<"));
        CHECK_CONTAINS(opf.ptr, ">EPUB Accessibility 1.1 - WCAG 2.1 Level A<");
        qt_epubcheck(epub.ptr);
    } else {
        qt_fail(__FILE__, __LINE__, "no EPUB built: %s", err.ptr);
    }
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&out);
    qr_buf_release(&err);
    qr_buf_release(&epub);
    qr_buf_release(&opf);
}

/* An image without alt text: a warning at its line, and no claim that
 * every image has a description. */
static void test_missing_alt(void)
{
    qr_buf dir = QR_BUF_INIT, path = QR_BUF_INIT, err = QR_BUF_INIT, data = QR_BUF_INIT;
    qr_buf epub = QR_BUF_INIT, opf = QR_BUF_INIT, out = QR_BUF_INIT;
    qt_scratch("a11y-alt", &dir);
    qr_buf_addf(&path, "%s/seeds", dir.ptr);
    mkdir(path.ptr, 0777);
    CHECK(qt_read("tests/fixtures/rich/images/chart.png", &data) == 0 ||
          qt_read("tests/fixtures/rich/images/compass.png", &data) == 0);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/images", dir.ptr);
    mkdir(path.ptr, 0777);
    qr_buf_adds(&path, "/pic.png");
    qt_write(path.ptr, data.ptr, data.len);
    qr_buf_reset(&path);
    qr_buf_addf(&path, "%s/seeds/01.md", dir.ptr);
    static const char md[] = "# One\n\nSome text.\n\n![](../images/pic.png)\n";
    qt_write(path.ptr, md, sizeof md - 1);
    qr_buf_addf(&out, "%s/dist", dir.ptr);
    const char *args[] = {"build", "-f", "epub", dir.ptr, NULL};
    CHECK_INT_EQ(S_quire_run(args, NULL, &err), 0);
    CHECK_CONTAINS(err.ptr, "01.md:5:");
    CHECK_CONTAINS(err.ptr, "has no alt text");
    if (S_find(out.ptr, ".epub", &epub) == 0 &&
        qt_epub_entry(epub.ptr, "EPUB/package.opf", &opf) == 0) {
        CHECK(!strstr(opf.ptr, ">alternativeText<"));
        CHECK(!strstr(opf.ptr, "dcterms:conformsTo"));
        CHECK_CONTAINS(opf.ptr, "<meta property=\"schema:accessModeSufficient\">textual,visual<");
    } else {
        qt_fail(__FILE__, __LINE__, "no EPUB built: %s", err.ptr);
    }
    qr_buf_release(&dir);
    qr_buf_release(&path);
    qr_buf_release(&err);
    qr_buf_release(&data);
    qr_buf_release(&epub);
    qr_buf_release(&opf);
    qr_buf_release(&out);
}

/* Ace by DAISY (tests/a11y, installed by .ci/deps): no violation. A run
 * that did not happen or wrote no report is a failure. */
static void S_ace(const char *name, const char *const *src_args)
{
    qr_buf dir = QR_BUF_INIT, epub = QR_BUF_INIT, report = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf rdir = QR_BUF_INIT, path = QR_BUF_INIT;
    qt_scratch(name, &dir);
    const char *args[12] = {"build", "-q", "-f", "epub", "-o", dir.ptr};
    int k = 6;
    for (int i = 0; src_args[i] && k < 11; i++)
        args[k++] = src_args[i];
    args[k] = NULL;
    CHECK_INT_EQ(S_quire_run(args, NULL, NULL), 0);
    if (S_find(dir.ptr, ".epub", &epub) < 0) {
        qt_fail(__FILE__, __LINE__, "%s: no EPUB built", name);
        goto done;
    }
    qr_buf_addf(&rdir, "%s/ace", dir.ptr);
    const char *ace = "tests/a11y/node_modules/.bin/ace-cli";
    /* an optional tool: its absence fails this test alone, in one line */
    if (access(ace, X_OK) != 0) {
        qt_fail(__FILE__, __LINE__,
                "%s: Ace is not installed (%s): `make check` installs it with npm, "
                "which needs Node.js 20 or newer",
                name, ace);
        goto done;
    }
    const char *argv[] = {ace, "--silent", "--outdir", rdir.ptr, "--force", epub.ptr, NULL};
    /* Debian's chromium, unless the environment names another browser */
    const char *env[] = {"PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium", NULL};
    int rc = qt_run(argv, getenv("PUPPETEER_EXECUTABLE_PATH") ? NULL : env, &out, &out);
    qr_buf_addf(&path, "%s/report.json", rdir.ptr);
    if (qt_read(path.ptr, &report) != 0) {
        qt_fail(__FILE__, __LINE__,
                "%s: Ace did not run or wrote no report (exit %d; `make deps` installs it "
                "in tests/a11y):\n%s",
                name, rc, out.ptr);
        goto done;
    }
    /* the verdict, and every assertion's outcome */
    int outcomes = 0, fails = 0;
    for (const char *p = report.ptr; (p = strstr(p, "\"earl:outcome\""));) {
        p += 14;
        while (*p == ' ' || *p == ':' || *p == '\n')
            p++;
        outcomes++;
        if (strncmp(p, "\"fail\"", 6) == 0)
            fails++;
    }
    CHECK(outcomes > 0);
    if (fails > 0) {
        qr_buf titles = QR_BUF_INIT;
        for (const char *p = report.ptr; (p = strstr(p, "\"dct:title\""));) {
            p += 11;
            const char *q = strchr(p, '"'), *e = q ? strchr(q + 1, '"') : NULL;
            if (!e)
                break;
            qr_buf_addf(&titles, " %.*s", (int)(e - q - 1), q + 1);
            p = e;
        }
        qt_fail(__FILE__, __LINE__, "%s: Ace reports %d failed outcomes:%s", name, fails,
                titles.ptr);
        qr_buf_release(&titles);
    }
done:
    qr_buf_release(&dir);
    qr_buf_release(&epub);
    qr_buf_release(&report);
    qr_buf_release(&out);
    qr_buf_release(&rdir);
    qr_buf_release(&path);
}

static void test_ace_seed(void)
{
    const char *src[] = {".", NULL};
    S_ace("ace-seed", src);
}

static void test_ace_rich(void)
{
    const char *src[] = {"tests/fixtures/rich", NULL};
    S_ace("ace-rich", src);
}

static void test_ace_japanese(void)
{
    const char *src[] = {"tests/corpus/kasei-no-kioku-ja.txt", NULL};
    S_ace("ace-japanese", src);
}

/* A book whose own title page is the EPUB's title page */
static void test_ace_title_page(void)
{
    const char *src[] = {"tests/corpus/christmas-carol.txt", NULL};
    S_ace("ace-title-page", src);
}

void suite_pagelist(void)
{
    qt_case("pagelist: seed book, every page's first words after its marker", test_seed_pages);
    qt_case("pagelist: rich fixture, every page's first words after its marker", test_rich_pages);
    qt_case("pagelist: Frankenstein, every page's first words after its marker", test_corpus_pages);
    qt_case("pagelist: markers and entries as the issue spells them", test_labels_as_printed);
    qt_case("pagelist: -f epub gives the bytes of a full build's EPUB", test_epub_only_same_bytes);
    qt_case("pagelist: --no-page-list gives no markers", test_no_page_list);
    qt_case("a11y: EPUB Accessibility 1.1 metadata by default", test_a11y_metadata);
    qt_case("a11y: book.yaml accessibility: overrides it", test_a11y_override);
    qt_case("a11y: an image without alt text warns", test_missing_alt);
    qt_case("a11y: Ace finds no violation in the seed book", test_ace_seed);
    qt_case("a11y: Ace finds no violation in the rich fixture", test_ace_rich);
    qt_case("a11y: Ace finds no violation in a Japanese corpus book", test_ace_japanese);
    qt_case("a11y: Ace finds no violation in a book with its own title page", test_ace_title_page);
}
