/*
 * e2e_front.c: the book's own front matter in both editions: one title page
 * (the book's own where it has one, else one made from the metadata), and
 * a play's speaker's labels in small capitals in the PDF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* A plain text that opens with its own title page: title, subtitle and
 * by-line, before its first chapter. */
static const char S_titled[] =
    "THE SALT ROAD\n\n"
    "A Tale of the Marshes\n\n"
    "by Ann Example\n\n\n"
    "CHAPTER I.\n\n"
    "The road ran along the dyke, and the wind came in off the sea all the\n"
    "morning, so that the walkers bent their heads and said little.\n\n\n"
    "CHAPTER II.\n\n"
    "By evening they reached the inn, where a fire was lit and supper\n"
    "waiting for anyone with the coin to pay for it.\n";

/* Builds `text` (a file NAME.txt in the scratch folder NAME) into both
 * editions; *epub and *pdf their paths. Returns 0, or -1 having failed. */
static int S_build(const char *name, const char *text, qr_buf *epub, qr_buf *pdf)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch(name, &dir);
    qr_buf_addf(&src, "%s/%s.txt", dir.ptr, name);
    int rc = qt_write(src.ptr, text, strlen(text));
    const char *argv[] = {qt_quire_path(), "build", "-q", "-o", dir.ptr, src.ptr, NULL};
    if (rc == 0)
        rc = qt_run(argv, NULL, NULL, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "build %s: %s", src.ptr, err.ptr ? err.ptr : "");
    qr_buf out = QR_BUF_INIT;
    const char *ls[] = {"sh", "-c", "ls \"$0\"/*.epub \"$0\"/*.pdf", dir.ptr, NULL};
    if (rc == 0 && qt_run(ls, NULL, &out, NULL) == 0 && out.ptr) {
        char *nl = strchr(out.ptr, '\n');
        if (nl) {
            qr_buf_add(epub, out.ptr, (size_t)(nl - out.ptr));
            qr_buf_adds(pdf, nl + 1);
            if (pdf->len && pdf->ptr[pdf->len - 1] == '\n')
                qr_buf_truncate(pdf, pdf->len - 1);
        }
    }
    if (rc == 0 && (!epub->len || !pdf->len)) {
        qt_fail(__FILE__, __LINE__, "%s: no EPUB and PDF in %s", name, dir.ptr);
        rc = -1;
    }
    qr_buf_release(&out);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&err);
    return rc == 0 ? 0 : -1;
}

/* How often needle stands in s. */
static int S_count(const char *s, const char *needle)
{
    int n = 0;
    for (const char *p = s; p && (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The EPUB's XHTML documents, each appended to all, and how many hold
 * `needle` in *docs. */
static void S_xhtml(const char *epub, qr_buf *all, const char *needle, int *docs)
{
    qr_buf list = QR_BUF_INIT, x = QR_BUF_INIT;
    const char *unzip[] = {"unzip", "-Z1", epub, NULL};
    *docs = 0;
    CHECK_INT_EQ(qt_run(unzip, NULL, &list, NULL), 0);
    for (char *l = list.ptr; l && *l;) {
        char *nl = strchr(l, '\n');
        if (nl)
            *nl = '\0';
        size_t len = strlen(l);
        if (len > 6 && strcmp(l + len - 6, ".xhtml") == 0) {
            qr_buf_reset(&x);
            if (qt_epub_entry(epub, l, &x) == 0) {
                *docs += strstr(x.ptr, needle) != NULL;
                qr_buf_add(all, x.ptr, x.len);
            }
        }
        l = nl ? nl + 1 : NULL;
    }
    qr_buf_release(&list);
    qr_buf_release(&x);
}

/* A book with its own title page has that one, and only that one: in the
 * EPUB the titlepage document holds its lines, no chapter does, and the
 * contents list no chapter for it; in the PDF its lines are set once. */
static void test_one_title_page(void)
{
    qr_buf epub = QR_BUF_INIT, pdf = QR_BUF_INIT, all = QR_BUF_INIT, tp = QR_BUF_INIT;
    qr_buf nav = QR_BUF_INIT, text = QR_BUF_INIT, list = QR_BUF_INIT;
    if (S_build("front-titled", S_titled, &epub, &pdf) < 0)
        goto done;
    int docs = 0;
    S_xhtml(epub.ptr, &all, "epub:type=\"titlepage\"", &docs);
    CHECK_INT_EQ(docs, 2); /* the title page, and the landmark in the nav */
    CHECK_INT_EQ(S_count(all.ptr, "<section class=\"titlepage\" epub:type=\"titlepage\">"), 1);
    CHECK_INT_EQ(S_count(all.ptr, "THE SALT ROAD"), 1);
    CHECK_INT_EQ(S_count(all.ptr, "<p class=\"title-page\">by Ann Example</p>"), 1);
    CHECK_INT_EQ(qt_epub_entry(epub.ptr, "EPUB/text/titlepage.xhtml", &tp), 0);
    CHECK_CONTAINS(tp.ptr, "THE SALT ROAD</p>"); /* after the print page's marker */
    CHECK_CONTAINS(tp.ptr, "<p class=\"title-page\">A Tale of the Marshes</p>");
    CHECK_CONTAINS(tp.ptr, "<p class=\"title-page\">by Ann Example</p>");
    CHECK(!strstr(tp.ptr, "<h1 class=\"title\">")); /* none made from the metadata */
    /* the contents: the chapters, the title page a landmark only */
    CHECK_INT_EQ(qt_epub_entry(epub.ptr, "EPUB/nav.xhtml", &nav), 0);
    const char *toc = strstr(nav.ptr, "epub:type=\"toc\"");
    const char *end = toc ? strstr(toc, "</nav>") : NULL;
    CHECK(toc && end);
    if (toc && end) {
        qr_buf_add(&list, toc, (size_t)(end - toc));
        CHECK(!strstr(list.ptr, "titlepage"));
        CHECK(!strstr(list.ptr, "SALT"));
        CHECK_CONTAINS(list.ptr, "<a href=\"text/chapter-001.xhtml\">CHAPTER I.</a>");
    }
    CHECK_CONTAINS(nav.ptr, "<a epub:type=\"titlepage\" href=\"text/titlepage.xhtml\">");
    CHECK(qt_epubcheck(epub.ptr) == 0);
    /* the PDF: its lines on one page, the title page, once */
    const char *pt[] = {"pdftotext", "-enc", "UTF-8", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(pt, NULL, &text, NULL), 0);
    CHECK_INT_EQ(S_count(text.ptr, "THE SALT ROAD"), 1);
    /* and the author on the title page, then on its verso's copyright lines */
    CHECK_INT_EQ(S_count(text.ptr, "Ann Example"), 2);
    qr_buf_reset(&text);
    const char *p3[] = {"pdftotext", "-enc", "UTF-8", "-f", "3", "-l", "3", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(p3, NULL, &text, NULL), 0);
    CHECK_CONTAINS(text.ptr, "THE SALT ROAD\nA Tale of the Marshes\nby Ann Example");
done:
    qr_buf_release(&epub);
    qr_buf_release(&pdf);
    qr_buf_release(&all);
    qr_buf_release(&tp);
    qr_buf_release(&nav);
    qr_buf_release(&text);
    qr_buf_release(&list);
}

/* A book with no title page of its own gets one made from the metadata. */
static void test_made_title_page(void)
{
    qr_buf epub = QR_BUF_INIT, pdf = QR_BUF_INIT, tp = QR_BUF_INIT;
    static const char untitled[] =
        "CHAPTER I.\n\nThe road ran along the dyke, and the wind came in off the sea all\n"
        "the morning.\n\n\nCHAPTER II.\n\nBy evening they reached the inn.\n";
    if (S_build("front-untitled", untitled, &epub, &pdf) < 0)
        goto done;
    CHECK_INT_EQ(qt_epub_entry(epub.ptr, "EPUB/text/titlepage.xhtml", &tp), 0);
    CHECK_CONTAINS(tp.ptr, "<section class=\"titlepage\" epub:type=\"titlepage\">");
    CHECK_CONTAINS(tp.ptr, "<h1 class=\"title\">");
    CHECK(!strstr(tp.ptr, "title-page"));
    CHECK(qt_epubcheck(epub.ptr) == 0);
done:
    qr_buf_release(&epub);
    qr_buf_release(&pdf);
    qr_buf_release(&tp);
}

/* The creators the metadata names are printed on the copyright page (the
 * title page's verso), as the EPUB's copyright page gives them, even when
 * the book's own title page names only its author. */
static void test_copyright_creators(void)
{
    qr_buf epub = QR_BUF_INIT, pdf = QR_BUF_INIT, text = QR_BUF_INIT, cp = QR_BUF_INIT;
    qr_buf book = QR_BUF_INIT;
    qr_buf_adds(&book, "Title: The Salt Road\nAuthor: Ann Example\nIllustrator: Ben Drawer\n"
                       "Translator: Cy Turner\n\n"
                       "*** START OF THE PROJECT GUTENBERG EBOOK THE SALT ROAD ***\n\n");
    qr_buf_adds(&book, S_titled);
    qr_buf_adds(&book, "\n*** END OF THE PROJECT GUTENBERG EBOOK THE SALT ROAD ***\n");
    if (S_build("front-creators", book.ptr, &epub, &pdf) < 0)
        goto done;
    CHECK_INT_EQ(qt_epub_entry(epub.ptr, "EPUB/text/copyright.xhtml", &cp), 0);
    CHECK_CONTAINS(cp.ptr, "Illustrated by Ben Drawer");
    CHECK_CONTAINS(cp.ptr, "Translated by Cy Turner");
    /* page 4: the title page's verso */
    const char *p4[] = {"pdftotext", "-enc", "UTF-8", "-f", "4", "-l", "4", pdf.ptr, "-", NULL};
    CHECK_INT_EQ(qt_run(p4, NULL, &text, NULL), 0);
    CHECK_CONTAINS(text.ptr, "The Salt Road\nby Ann Example\nIllustrated by Ben Drawer\n"
                             "Translated by Cy Turner\n");
done:
    qr_buf_release(&epub);
    qr_buf_release(&pdf);
    qr_buf_release(&text);
    qr_buf_release(&cp);
    qr_buf_release(&book);
}

/* A play's speaker's labels: in the font's small capitals in the PDF (the
 * trace marks the run), the text read back as written. */
static void test_speaker_small_caps(void)
{
    qr_buf play = QR_BUF_INIT, dir = QR_BUF_INIT, src = QR_BUF_INIT, out = QR_BUF_INIT;
    qr_buf err = QR_BUF_INIT;
    qr_buf_adds(&play, "THE QUAY\n\n\nACT I.\n\nSCENE I. The harbour.\n\n");
    static const char *const who[] = {"LEONATO.", "BEATRICE.", "HERO."};
    for (int i = 0; i < 30; i++)
        qr_buf_addf(&play, "%s\nThe tide is %s tonight, and the boats are %d.\n\n", who[i % 3],
                    i % 2 ? "high" : "low", i + 1);
    qt_scratch("front-play", &dir);
    qr_buf_addf(&src, "%s/play.txt", dir.ptr);
    CHECK_INT_EQ(qt_write(src.ptr, play.ptr, play.len), 0);
    const char *argv[] = {qt_quire_path(), "trace", src.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, " \"LEONATO.\" small-caps\n");
    CHECK_CONTAINS(out.ptr, " \"BEATRICE.\" small-caps\n");
    CHECK_CONTAINS(out.ptr, " \"HERO.\" small-caps\n");
    CHECK(S_count(out.ptr, " small-caps\n") >= 30);
    /* the speeches are not */
    CHECK_CONTAINS(out.ptr, "EB Garamond 11 \"tide\"\n");
    qr_buf_release(&play);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

void suite_front(void)
{
    qt_case("front/one-title-page", test_one_title_page);
    qt_case("front/made-title-page", test_made_title_page);
    qt_case("front/copyright-creators", test_copyright_creators);
    qt_case("front/speaker-small-caps", test_speaker_small_caps);
}
