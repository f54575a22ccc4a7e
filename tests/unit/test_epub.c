/* test_epub.c: the EPUB writer (src/epub) and SHA-256 (src/base/sha256). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <zip.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "../test.h"
#include "epubtest.h"
#include "base/sha256.h"
#include "doc/doc.h"
#include "epub/epub.h"
#include "epub/epub_internal.h"
#include "read/read.h"

/* 2021-01-02T03:04:05Z */
#define T_MODIFIED ((time_t)1609556645)

/* Resources from the repository (the runner runs from its root). -------- */

/* Building documents ----------------------------------------------------- */

static qr_node *S_chapter(qr_builder *b, qr_chapter_kind kind, int level)
{
    qr_node *c = qr_builder_enter(b, QR_NODE_CHAPTER);
    qr_node_set_chapter_kind(c, kind);
    qr_node_set_level(c, level);
    return c;
}

/* Owned: the test book. `variant` changes one word of the text. */
static qr_doc *S_book(int variant)
{
    qr_doc *doc = qr_doc_new();
    qr_meta *m = qr_doc_meta(doc);
    m->title = "The Test Book";
    m->subtitle = "A Tale of Two Tests";
    m->creators[0] = (qr_creator){"Jane Doe", "aut"};
    m->creators[1] = (qr_creator){"John Roe", "trl"};
    m->n_creators = 2;
    m->language = "ja";
    m->date = "1869";
    m->source = "https://www.gutenberg.org/ebooks/0";
    m->rights = "Public domain in the USA.";
    qr_builder b;
    qr_builder_init(&b, doc);

    /* 1: front matter without a heading */
    S_chapter(&b, QR_CHAPTER_FRONT, 1);
    qt_para(&b, "*** An epigraph, of sorts, that goes on for rather a long time, longer "
               "than a label should ***");
    qr_builder_leave(&b);

    /* 2: a part with two chapters (3 and 4) */
    S_chapter(&b, QR_CHAPTER_PART, 1);
    qt_heading(&b, 1, "Part One");
    qr_builder_leave(&b);

    S_chapter(&b, QR_CHAPTER_BODY, 2);
    qt_heading(&b, 2, "Chapter 1");
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    qt_text(&b, variant ? "It was a dark night. " : "It was a bright night. ");
    qr_builder_enter(&b, QR_NODE_EMPH);
    qt_text(&b, "Very");
    qr_builder_leave(&b);
    qt_text(&b, " bright, and ");
    qr_builder_enter(&b, QR_NODE_STRONG);
    qt_text(&b, "loud");
    qr_builder_leave(&b);
    qt_text(&b, ".");
    qr_builder_enter(&b, QR_NODE_LINE_BREAK);
    qt_text(&b, "Next line.");
    qr_builder_leave(&b);
    qr_builder_enter(&b, QR_NODE_SCENE_BREAK);
    qt_para(&b, "Fish <&> \"chips\" and 'peas'.");
    qt_heading(&b, 3, "A section");
    qt_para(&b, "Under the section.");
    qr_builder_leave(&b);

    qr_node *c4 = S_chapter(&b, QR_CHAPTER_BODY, 2);
    qr_node_set_lang(doc, c4, "en");
    qt_heading(&b, 2, "Chapter 2");
    qt_para(&b, "An English chapter in a Japanese book.");
    qr_node *p = qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    qr_node_set_lang(doc, p, "ja");
    qt_text(&b, "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xA7\xE3\x81\x99\xE3\x80\x82");
    qr_builder_leave(&b);
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    qt_text(&b, "He said ");
    qr_builder_leave(&b);
    /* a text node of its own language, added by hand (the builder merges text) */
    qr_node *fr = qr_node_new(doc, QR_NODE_TEXT);
    qr_node_set_text(doc, fr, "au revoir", 9);
    qr_node_set_lang(doc, fr, "fr");
    qr_node_append_child(qr_node_last_child(c4), fr);
    qr_builder_leave(&b);

    /* 5: a top-level body chapter, in Japanese, with a block quote */
    S_chapter(&b, QR_CHAPTER_BODY, 1);
    qt_heading(&b, 1, "\xE7\xAC\xAC\xE4\xB8\x89\xE7\xAB\xA0");
    qt_para(&b, "\xE5\x90\xBE\xE8\xBC\xA9\xE3\x81\xAF\xE7\x8C\xAB\xE3\x81\xA7\xE3\x81\x82"
               "\xE3\x82\x8B\xE3\x80\x82");
    qr_builder_enter(&b, QR_NODE_BLOCK_QUOTE);
    qt_para(&b, "A quoted line\x01 with a control character.");
    qr_builder_leave(&b);
    qr_builder_leave(&b);

    /* 6: back matter without a heading (a licence) */
    S_chapter(&b, QR_CHAPTER_BACK, 1);
    qt_para(&b, "* * * * *"); /* no words: the label comes from the next block */
    qt_para(&b, "*** END OF THE PROJECT GUTENBERG EBOOK THE TEST BOOK ***");
    qt_para(&b, "Updated editions will replace the previous one.");
    qr_builder_leave(&b);

    qr_builder_finish(&b);
    return doc;
}

/* Reading the result ----------------------------------------------------- */

static int S_write(const qr_doc *doc, const qr_epub_options *o, qr_buf *out)
{
    qr_error err;
    qr_error_clear(&err);
    int rc = qr_epub_write(doc, o, out, &err);
    if (rc != 0)
        qt_fail(__FILE__, __LINE__, "qr_epub_write: %s", err.msg);
    return rc;
}

static unsigned S_u16(const char *p)
{
    return (unsigned)(unsigned char)p[0] | (unsigned)(unsigned char)p[1] << 8;
}

/* Cases ------------------------------------------------------------------ */

static void test_sha256(void)
{
    static const struct {
        const char *in;
        const char *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopq"
         "klmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    uint8_t d[QR_SHA256_LEN];
    char hex[2 * QR_SHA256_LEN + 1];
    for (size_t i = 0; i < QR_ARRAY_LEN(v); i++) {
        qr_sha256(v[i].in, strlen(v[i].in), d);
        qr_sha256_hex(d, hex);
        CHECK_STR_EQ(hex, v[i].hex);
    }
    /* a million 'a', fed in uneven pieces across block boundaries */
    char *a = xmalloc(1000000);
    memset(a, 'a', 1000000);
    qr_sha256_ctx c;
    qr_sha256_init(&c);
    size_t off = 0, step = 1;
    while (off < 1000000) {
        size_t n = step < 1000000 - off ? step : 1000000 - off;
        qr_sha256_update(&c, a + off, n);
        off += n;
        step = step * 3 % 257 + 1;
    }
    qr_sha256_final(&c, d);
    qr_sha256_hex(d, hex);
    CHECK_STR_EQ(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    /* 55, 56 and 64 bytes: the padding edge cases */
    const size_t lens[] = {55, 56, 63, 64, 65};
    for (size_t i = 0; i < QR_ARRAY_LEN(lens); i++) {
        uint8_t d1[QR_SHA256_LEN], d2[QR_SHA256_LEN];
        qr_sha256(a, lens[i], d1);
        qr_sha256_init(&c);
        for (size_t k = 0; k < lens[i]; k++)
            qr_sha256_update(&c, a + k, 1);
        qr_sha256_final(&c, d2);
        CHECK(memcmp(d1, d2, sizeof d1) == 0);
    }
    qr_sha256(a, 56, d);
    qr_sha256_hex(d, hex);
    CHECK_STR_EQ(hex, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    free(a);
}

static void test_helpers(void)
{
    char t[24];
    qr_epub_format_time(T_MODIFIED, t);
    CHECK_STR_EQ(t, "2021-01-02T03:04:05Z");
    qr_epub_format_time(-5, t);
    CHECK_STR_EQ(t, "1970-01-01T00:00:00Z");
    CHECK(qr_w3c_date_ok("1869"));
    CHECK(qr_w3c_date_ok("1869-02"));
    CHECK(qr_w3c_date_ok("2000-02-29"));
    CHECK(!qr_w3c_date_ok("1900-02-29"));
    CHECK(!qr_w3c_date_ok("1869-13"));
    CHECK(!qr_w3c_date_ok("March 1869"));
    CHECK(!qr_w3c_date_ok("1869-1-2"));
    CHECK(!qr_w3c_date_ok(NULL));
    CHECK(qr_lang_tag_ok("en"));
    CHECK(qr_lang_tag_ok("zh-Hant-TW"));
    CHECK(!qr_lang_tag_ok("en_GB"));
    CHECK(!qr_lang_tag_ok("en-"));
    CHECK(!qr_lang_tag_ok(""));
    CHECK(!qr_lang_tag_ok("e"));   /* the language subtag has 2-8 letters */
    CHECK(!qr_lang_tag_ok("1en"));
    CHECK(!qr_lang_tag_ok(NULL));
    qr_buf u = QR_BUF_INIT;
    qr_epub_content_uuid("abc", 3, &u);
    /* sha256("abc") = ba7816bf 8f01 cfea 4141 40de5dae2223...: version 8, variant 10 */
    CHECK_STR_EQ(u.ptr, "urn:uuid:ba7816bf-8f01-8fea-8141-40de5dae2223");
    qr_buf_release(&u);
}

static void test_book(void)
{
    qt_epub_res r;
    qr_buf path = QR_BUF_INIT, e1 = QR_BUF_INIT, e2 = QR_BUF_INIT, f = QR_BUF_INIT;
    qr_doc *doc = S_book(0), *doc2 = S_book(1);
    if (qt_epub_res_load(&r) < 0)
        goto done;
    qr_epub_options o = qt_epub_res_options(&r, T_MODIFIED, 0);
    if (S_write(doc, &o, &e1) < 0 || S_write(doc, &o, &e2) < 0)
        goto done;

    /* reproducible: the same document gives the same bytes */
    CHECK(e1.len == e2.len && memcmp(e1.ptr, e2.ptr, e1.len) == 0);

    qt_scratch("epub", &path);
    qr_buf_adds(&path, "/book.epub");
    CHECK_INT_EQ(qt_write(path.ptr, e1.ptr, e1.len), 0);
    qt_epubcheck(path.ptr);

    /* OCF: mimetype first, stored, no extra field, at offset 0 */
    CHECK(e1.len > 60);
    CHECK(memcmp(e1.ptr, "PK\3\4", 4) == 0);
    CHECK_INT_EQ(S_u16(e1.ptr + 8), 0);  /* compression: stored */
    CHECK_INT_EQ(S_u16(e1.ptr + 26), 8); /* name length */
    CHECK_INT_EQ(S_u16(e1.ptr + 28), 0); /* extra field length */
    CHECK(memcmp(e1.ptr + 30, "mimetype", 8) == 0);
    CHECK(memcmp(e1.ptr + 38, "application/epub+zip", 20) == 0);
    /* DOS time of 2021-01-02 03:04:05 UTC, in two-second steps */
    CHECK_INT_EQ(S_u16(e1.ptr + 10), (3 << 11) | (4 << 5) | 2);
    CHECK_INT_EQ(S_u16(e1.ptr + 12), (41 << 9) | (1 << 5) | 2);

    /* the package document */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/package.opf", &f, NULL), 0);
    CHECK_XPATH(&f, "string(/opf:package/@xml:lang)", "ja");
    CHECK_XPATH(&f, "string(//opf:meta[@property='dcterms:modified'])", "2021-01-02T03:04:05Z");
    CHECK_XPATH(&f, "string(//dc:title[1])", "The Test Book");
    CHECK_XPATH(&f,
                "string(//dc:title[@id=substring-after(//opf:meta[.='subtitle']/@refines, '#')])",
                "A Tale of Two Tests");
    CHECK_XPATH(&f, "string(//opf:meta[@refines='#creator2'][@property='role'])", "trl");
    CHECK_XPATH(&f, "string(//dc:date)", "1869");
    /* the title page and the copyright page, the front matter, then the nav */
    CHECK_XPATH(&f, "count(//opf:spine/opf:itemref)", "9");
    CHECK_XPATH(&f, "string(//opf:spine/opf:itemref[1]/@idref)", "titlepage");
    CHECK_XPATH(&f, "string(//opf:spine/opf:itemref[2]/@idref)", "copyright");
    CHECK_XPATH(&f, "string(//opf:spine/opf:itemref[4]/@idref)", "nav");
    CHECK_XPATH(&f, "string(//opf:item[@href='fonts/EBGaramond12-Italic.otf']/@media-type)",
                "font/otf");
    char *id = qt_xpath(&f, "string(//dc:identifier[@id=/opf:package/@unique-identifier])");
    /* urn:uuid:xxxxxxxx-xxxx-8xxx-[89ab]xxx-xxxxxxxxxxxx */
    CHECK_INT_EQ(strlen(id), 45);
    CHECK(strncmp(id, "urn:uuid:", 9) == 0);
    CHECK(id[23] == '8');
    CHECK(strchr("89ab", id[28]) != NULL);

    /* the identifier follows the text */
    qr_buf_reset(&e2);
    if (S_write(doc2, &o, &e2) == 0) {
        CHECK_INT_EQ(qt_zip_entry_mem(&e2, "EPUB/package.opf", &f, NULL), 0);
        char *id2 = qt_xpath(&f, "string(//dc:identifier)");
        CHECK(strncmp(id2, "urn:uuid:", 9) == 0);
        CHECK(strcmp(id, id2) != 0);
        free(id2);
    }

    /* the NCX carries the same identifier, and nests the part's chapters */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/toc.ncx", &f, NULL), 0);
    CHECK_XPATH(&f, "string(//ncx:meta[@name='dtb:uid']/@content)", id);
    /* part > chapter > its h2 */
    CHECK_XPATH(&f, "string(//ncx:meta[@name='dtb:depth']/@content)", "3");
    CHECK_XPATH(&f, "count(/ncx:ncx/ncx:navMap/ncx:navPoint)", "4");
    CHECK_XPATH(&f,
                "string(//ncx:navPoint[ncx:content/@src='text/chapter-002.xhtml']"
                "/ncx:navPoint[2]/ncx:content/@src)",
                "text/chapter-004.xhtml");
    /* after chapter 3's own section (its h2) */
    CHECK_XPATH(&f, "string(//ncx:navPoint[ncx:content/@src='text/chapter-004.xhtml']/@playOrder)",
                "5");
    free(id);

    /* the nav document: nesting, labels never empty, landmarks */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/nav.xhtml", &f, NULL), 0);
    CHECK_XPATH(&f, "count(//h:nav[@epub:type='toc']/h:ol/h:li)", "4");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[2]/h:ol/h:li[1]/h:a/@href)",
                "text/chapter-003.xhtml");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[2]/h:ol/h:li[2]/h:a)", "Chapter 2");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[2]/h:ol/h:li[2]/h:a/@lang)", "en");
    CHECK_XPATH(&f, "count(//h:a[normalize-space(.)=''])", "0");
    /* front matter labelled by its first words, cut short, framing stars gone */
    char *front = qt_xpath(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[1]/h:a)");
    CHECK(strncmp(front, "An epigraph, of sorts", 21) == 0);
    CHECK(strlen(front) <= 64);
    CHECK(strstr(front, "\xE2\x80\xA6") != NULL);
    free(front);
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[4]/h:a)",
                "END OF THE PROJECT GUTENBERG EBOOK THE TEST BOOK");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='landmarks']//h:a[@epub:type='bodymatter']/@href)",
                "text/chapter-002.xhtml");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:h1)", "\xE7\x9B\xAE\xE6\xAC\xA1");

    /* a chapter: escaping, inlines, headings, scene break, section semantics */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/text/chapter-003.xhtml", &f, NULL), 0);
    CHECK_CONTAINS(f.ptr, "Fish &lt;&amp;&gt; &quot;chips&quot; and 'peas'.");
    CHECK_XPATH(&f, "string(//h:p[2])", "Fish <&> \"chips\" and 'peas'.");
    CHECK_CONTAINS(f.ptr, "<em>Very</em>");
    CHECK_CONTAINS(f.ptr, "<strong>loud</strong>.<br/>Next line.");
    CHECK_CONTAINS(f.ptr, "<hr class=\"scene-break\"/>");
    CHECK_CONTAINS(f.ptr,
                   "<link rel=\"stylesheet\" type=\"text/css\" href=\"../styles/book.css\"/>");
    CHECK_XPATH(&f, "string(/h:html/@xml:lang)", "ja");
    CHECK_XPATH(&f, "string(/h:html/h:head/h:title)", "Chapter 1");
    CHECK_XPATH(&f, "string(//h:section/@epub:type)", "chapter");
    CHECK_XPATH(&f, "string(//h:section/@role)", "doc-chapter");
    CHECK_XPATH(&f, "string(//h:h1/@id)", "title");
    CHECK_XPATH(&f, "string(//h:h1)", "Chapter 1");
    CHECK_XPATH(&f, "string(//h:h2)", "A section");

    /* the English chapter in the Japanese book; its Japanese paragraph */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/text/chapter-004.xhtml", &f, NULL), 0);
    CHECK_XPATH(&f, "string(/h:html/@xml:lang)", "en");
    CHECK_XPATH(&f, "string(/h:html/@lang)", "en");
    CHECK_XPATH(&f, "string(//h:p[2]/@xml:lang)", "ja");
    CHECK_XPATH(&f, "count(//h:p[1]/@lang)", "0");
    CHECK_XPATH(&f, "string(//h:p[3]/h:span[@xml:lang='fr'][@lang='fr'])", "au revoir");

    /* part, control characters dropped, back matter */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/text/chapter-002.xhtml", &f, NULL), 0);
    CHECK_XPATH(&f, "string(//h:section/@epub:type)", "part");
    CHECK_XPATH(&f, "string(//h:section/@role)", "doc-part");
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/text/chapter-005.xhtml", &f, NULL), 0);
    CHECK_CONTAINS(f.ptr, "A quoted line with a control character.");
    CHECK_XPATH(&f, "count(//h:blockquote/h:p)", "1");
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/text/chapter-006.xhtml", &f, NULL), 0);
    CHECK_XPATH(&f, "string(//h:section/@epub:type)", "backmatter");
    CHECK_XPATH(&f, "string(/h:html/h:head/h:title)", "The Test Book");

    /* fonts and stylesheet are in, byte for byte */
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/fonts/EBGaramond12-Bold.otf", &f, NULL), 0);
    CHECK(f.len == r.font[2].len && memcmp(f.ptr, r.font[2].ptr, f.len) == 0);
    CHECK_INT_EQ(qt_zip_entry_mem(&e1, "EPUB/styles/book.css", &f, NULL), 0);
    CHECK(f.len == r.css.len);
done:
    qt_epub_res_free(&r);
    qr_doc_free(doc);
    qr_doc_free(doc2);
    qr_buf_release(&path);
    qr_buf_release(&e1);
    qr_buf_release(&e2);
    qr_buf_release(&f);
}

/* A document without metadata whose first blocks stand outside chapters,
 * and a document with nothing in it: both still valid. */
static void test_loose_and_empty(void)
{
    qt_epub_res r;
    qr_buf path = QR_BUF_INIT, e = QR_BUF_INIT, f = QR_BUF_INIT;
    qr_doc *doc = qr_doc_new(), *empty = qr_doc_new();
    if (qt_epub_res_load(&r) < 0)
        goto done;
    qr_doc_meta(doc)->identifier = "urn:isbn:9780000000002";
    qr_doc_meta(doc)->date = "sometime in 1869";
    qr_builder b;
    qr_builder_init(&b, doc);
    qt_para(&b, "A paragraph before any chapter.");
    qr_builder_enter(&b, QR_NODE_SCENE_BREAK);
    S_chapter(&b, QR_CHAPTER_BODY, 1);
    qt_heading(&b, 1, "First <Heading>");
    qt_para(&b, "Text.");
    qr_builder_leave(&b);
    S_chapter(&b, QR_CHAPTER_BODY, 2); /* level 2 without a part: not nested */
    qt_para(&b, "Lonely.");
    qr_builder_leave(&b);
    qr_builder_finish(&b);

    qr_epub_options o = qt_epub_res_options(&r, T_MODIFIED, 0);
    qt_scratch("epub-loose", &path);
    qr_buf_adds(&path, "/loose.epub");
    if (S_write(doc, &o, &e) < 0)
        goto done;
    CHECK_INT_EQ(qt_write(path.ptr, e.ptr, e.len), 0);
    qt_epubcheck(path.ptr);
    CHECK_INT_EQ(qt_zip_entry_mem(&e, "EPUB/package.opf", &f, NULL), 0);
    CHECK_XPATH(&f, "string(//dc:identifier)", "urn:isbn:9780000000002");
    CHECK_XPATH(&f, "string(//dc:title)", "First <Heading>");
    CHECK_XPATH(&f, "string(//dc:language)", "en");
    CHECK_XPATH(&f, "count(//dc:date)", "0");
    CHECK_XPATH(&f, "count(//opf:spine/opf:itemref)", "6");
    CHECK_XPATH(&f, "string(//opf:spine/opf:itemref[3]/@idref)", "nav");
    CHECK_INT_EQ(qt_zip_entry_mem(&e, "EPUB/text/chapter-001.xhtml", &f, NULL), 0);
    CHECK_XPATH(&f, "count(//h:section/h:p)", "1");
    CHECK_XPATH(&f, "count(//h:section/h:hr)", "1");
    CHECK_INT_EQ(qt_zip_entry_mem(&e, "EPUB/nav.xhtml", &f, NULL), 0);
    CHECK_XPATH(&f, "count(//h:nav[@epub:type='toc']/h:ol/h:li)", "3");
    CHECK_XPATH(&f, "count(//h:nav[@epub:type='toc']//h:ol//h:ol)", "0");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[1]/h:a)",
                "A paragraph before any chapter.");
    CHECK_XPATH(&f, "string(//h:nav[@epub:type='toc']/h:ol/h:li[2]/h:a)", "First <Heading>");
    CHECK_INT_EQ(qt_zip_entry_mem(&e, "EPUB/toc.ncx", &f, NULL), 0);
    CHECK_XPATH(&f, "string(//ncx:meta[@name='dtb:uid']/@content)", "urn:isbn:9780000000002");
    CHECK_XPATH(&f, "string(//ncx:meta[@name='dtb:depth']/@content)", "1");

    qr_buf_reset(&e);
    qt_scratch("epub-empty", &path);
    qr_buf_adds(&path, "/empty.epub");
    if (S_write(empty, &o, &e) < 0)
        goto done;
    CHECK_INT_EQ(qt_write(path.ptr, e.ptr, e.len), 0);
    qt_epubcheck(path.ptr);
    CHECK_INT_EQ(qt_zip_entry_mem(&e, "EPUB/package.opf", &f, NULL), 0);
    CHECK_XPATH(&f, "string(//dc:title)", "Untitled");
done:
    qt_epub_res_free(&r);
    qr_doc_free(doc);
    qr_doc_free(empty);
    qr_buf_release(&path);
    qr_buf_release(&e);
    qr_buf_release(&f);
}

static int progress_calls, progress_last_done, progress_last_total;

static void S_progress(void *ctx, int done, int total)
{
    CHECK(ctx == &progress_calls);
    CHECK(done == progress_last_done + 1);
    progress_calls++;
    progress_last_done = done;
    progress_last_total = total;
}

static void test_progress_and_errors(void)
{
    qt_epub_res r;
    qr_buf e = QR_BUF_INIT;
    qr_doc *doc = S_book(0);
    if (qt_epub_res_load(&r) < 0)
        goto done;
    qr_epub_options o = qt_epub_res_options(&r, T_MODIFIED, 0);
    o.progress = S_progress;
    o.progress_ctx = &progress_calls;
    progress_calls = progress_last_done = progress_last_total = 0;
    if (S_write(doc, &o, &e) == 0) {
        CHECK_INT_EQ(progress_calls, 6);
        CHECK_INT_EQ(progress_last_total, 6);
    }

    /* the output is appended to what out holds */
    qr_buf pre = QR_BUF_INIT;
    qr_buf_adds(&pre, "XYZ");
    o.progress = NULL;
    if (S_write(doc, &o, &pre) == 0) {
        CHECK(pre.len == e.len + 3);
        CHECK(memcmp(pre.ptr, "XYZPK\3\4", 7) == 0);
        CHECK(memcmp(pre.ptr + 3, e.ptr, e.len) == 0);
    }
    qr_buf_release(&pre);

    /* callers' mistakes are errors, not crashes */
    qr_error err;
    qr_error_clear(&err);
    qr_buf_reset(&e);
    qr_epub_options bad = o;
    bad.stylesheet = NULL;
    CHECK_INT_EQ(qr_epub_write(doc, &bad, &e, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_SOFTWARE);
    CHECK_INT_EQ(e.len, 0);
    qr_resource font = r.fonts[0];
    font.name = "../evil.otf";
    bad = o;
    bad.fonts = &font;
    bad.n_fonts = 1;
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_epub_write(doc, &bad, &e, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_SOFTWARE);
    /* two fonts with the same name: libzip refuses the second */
    qr_resource twice[2] = {r.fonts[0], r.fonts[0]};
    bad = o;
    bad.fonts = twice;
    bad.n_fonts = 2;
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_epub_write(doc, &bad, &e, &err), -1);
    CHECK_INT_EQ(err.code, QR_EX_SOFTWARE);
    CHECK_INT_EQ(e.len, 0);
done:
    qt_epub_res_free(&r);
    qr_doc_free(doc);
    qr_buf_release(&e);
}

/* A long novel: 365 chapters, about 3 MB of text. Speed, and no step that
 * grows with the square of the book. */
static void test_large(void)
{
    qt_epub_res r;
    qr_buf e = QR_BUF_INIT, word = QR_BUF_INIT;
    qr_doc *doc = qr_doc_new();
    if (qt_epub_res_load(&r) < 0)
        goto done;
    qr_doc_meta(doc)->title = "A Long Book";
    qr_doc_meta(doc)->language = "en";
    qr_builder b;
    qr_builder_init(&b, doc);
    static const char *const words[] = {
        "the", "prince", "said", "and", "Natasha", "looked",
        "at",  "him",    "with", "a",   "smile",   "\xE2\x80\x9Cwell,\xE2\x80\x9D",
        "of",  "Moscow"};
    unsigned seed = 1;
    size_t total = 0;
    for (int ch = 0; ch < 365; ch++) {
        if (ch % 73 == 0) {
            S_chapter(&b, QR_CHAPTER_PART, 1);
            char t[32];
            snprintf(t, sizeof t, "Book %d", ch / 73 + 1);
            qt_heading(&b, 1, t);
            qr_builder_leave(&b);
        }
        S_chapter(&b, QR_CHAPTER_BODY, 2);
        char t[32];
        snprintf(t, sizeof t, "Chapter %d", ch + 1);
        qt_heading(&b, 2, t);
        for (int p = 0; p < 44; p++) {
            qr_builder_enter(&b, QR_NODE_PARAGRAPH);
            qr_buf_reset(&word);
            for (int w = 0; w < 35; w++) {
                seed = seed * 1103515245u + 12345u;
                qr_buf_adds(&word, words[(seed >> 16) % QR_ARRAY_LEN(words)]);
                qr_buf_addc(&word, w == 34 ? '.' : ' ');
            }
            total += word.len;
            qr_builder_text(&b, word.ptr, word.len);
            if (p % 10 == 5) {
                qr_builder_enter(&b, QR_NODE_EMPH);
                qt_text(&b, "emphasis");
                qr_builder_leave(&b);
            }
            qr_builder_leave(&b);
        }
        qr_builder_leave(&b);
    }
    qr_builder_finish(&b);
    CHECK(total > 3000000);

    qr_epub_options o = qt_epub_res_options(&r, T_MODIFIED, 0);
    /* Speed is measured by `make bench`, not asserted here. */
    CHECK_INT_EQ(S_write(doc, &o, &e), 0);
    qr_buf f = QR_BUF_INIT;
    CHECK_INT_EQ(qt_zip_entry_mem(&e, "EPUB/text/chapter-370.xhtml", &f, NULL), 0);
    CHECK_CONTAINS(f.ptr, "Chapter 365");
    qr_buf_release(&f);
done:
    qt_epub_res_free(&r);
    qr_doc_free(doc);
    qr_buf_release(&e);
    qr_buf_release(&word);
}

/*
 * Golden XHTML: each tests/golden/NAME.txt, read and written as a book, gives
 * tests/golden/NAME.xhtml: the nav and every content document, in zip
 * order, each after a line "==> NAME <==".
 */
static qt_epub_res golden_res;

static int S_make_xhtml(const char *name, const qr_buf *in, qr_buf *got)
{
    qr_epub_options o = qt_epub_res_options(&golden_res, T_MODIFIED, 0);
    qr_buf epub = QR_BUF_INIT, entry = QR_BUF_INIT;
    qr_doc *doc = qr_doc_new();
    qr_error err;
    qr_error_clear(&err);
    int rc = -1;
    if (qr_read_text(doc, name, in->ptr, in->len, QR_READ_FIRST, &err) < 0) {
        qt_fail(__FILE__, __LINE__, "%s: %s", name, err.msg);
        goto done;
    }
    if (S_write(doc, &o, &epub) < 0)
        goto done;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(epub.ptr, epub.len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    for (zip_int64_t i = 0; za && i < zip_get_num_entries(za, 0); i++) {
        const char *entry_name = zip_get_name(za, (zip_uint64_t)i, 0);
        size_t nl = strlen(entry_name);
        if (nl < 6 || strcmp(entry_name + nl - 6, ".xhtml") != 0)
            continue;
        CHECK_INT_EQ(qt_zip_entry_mem(&epub, entry_name, &entry, NULL), 0);
        qr_buf_addf(got, "==> %s <==\n", entry_name);
        qr_buf_add(got, entry.ptr, entry.len);
    }
    if (za)
        zip_close(za);
    else if (src)
        zip_source_free(src);
    zip_error_fini(&ze);
    rc = za ? 0 : -1;
done:
    qr_doc_free(doc);
    qr_buf_release(&epub);
    qr_buf_release(&entry);
    return rc;
}

static void test_golden_xhtml(void)
{
    if (qt_epub_res_load(&golden_res) < 0)
        return;
    CHECK(qt_golden("tests/golden", ".xhtml", S_make_xhtml) >= 5);
    qt_epub_res_free(&golden_res);
}

void suite_epub(void)
{
    qt_case("epub/golden-xhtml", test_golden_xhtml);
    qt_case("epub/sha256", test_sha256);
    qt_case("epub/helpers", test_helpers);
    qt_case("epub/book", test_book);
    qt_case("epub/loose-and-empty", test_loose_and_empty);
    qt_case("epub/progress-and-errors", test_progress_and_errors);
    qt_case("epub/large", test_large);
}
