/* test_base.c: the base library and the document model. */
#include <stdint.h>
#include <stdlib.h>

#include "../test.h"
#include "doc/doc.h"

static void test_buf(void)
{
    qr_buf b = QR_BUF_INIT;
    CHECK_STR_EQ(b.ptr, "");
    qr_buf_adds(&b, "abc");
    qr_buf_addf(&b, "-%d-", 42);
    qr_buf_add_utf8(&b, 0x2019);
    qr_buf_add_utf8(&b, 0x1F600);
    CHECK_STR_EQ(b.ptr, "abc-42-\xE2\x80\x99\xF0\x9F\x98\x80");
    qr_buf_truncate(&b, 3);
    CHECK_STR_EQ(b.ptr, "abc");
    size_t len;
    char *p = qr_buf_detach(&b, &len);
    CHECK_INT_EQ(len, 3);
    CHECK_STR_EQ(b.ptr, "");
    free(p);
    qr_buf_release(&b);
}

static void test_arena(void)
{
    qr_arena *a = qr_arena_new();
    char *big = qr_arena_alloc(a, 1 << 20);
    big[(1 << 20) - 1] = 'x';
    for (int i = 0; i < 10000; i++) {
        char *s = qr_arena_printf(a, "n%d", i);
        CHECK(s[0] == 'n');
        CHECK(((uintptr_t)qr_arena_alloc(a, 3) % _Alignof(max_align_t)) == 0);
    }
    CHECK(qr_arena_used(a) >= (1 << 20));
    qr_arena_free(a);
}

static void test_utf8(void)
{
    int line = 0, col = 0;
    const char ok[] = "caf\xC3\xA9\n\xE3\x80\x80\xE7\x81\xAB";
    CHECK_INT_EQ(qr_utf8_check(ok, sizeof ok - 1, &line, &col), 0);
    const char bad[] = "one\ntwo \xC3\xA9 \xFF three";
    CHECK_INT_EQ(qr_utf8_check(bad, sizeof bad - 1, &line, &col), -1);
    CHECK_INT_EQ(line, 2);
    CHECK_INT_EQ(col, 7);
    /* overlong, surrogate, truncated */
    CHECK_INT_EQ(qr_utf8_check("\xC0\xAF", 2, &line, &col), -1);
    CHECK_INT_EQ(qr_utf8_check("\xED\xA0\x80", 3, &line, &col), -1);
    CHECK_INT_EQ(qr_utf8_check("ab\xE2\x80", 4, &line, &col), -1);
    CHECK_INT_EQ(col, 3);
    uint32_t cp;
    CHECK_INT_EQ(qr_utf8_decode("\xE2\x80\x9C", 3, &cp), 3);
    CHECK_INT_EQ(cp, 0x201C);
}

static void test_error(void)
{
    qr_error err;
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_error_set(&err, QR_EX_DATAERR, "a.txt", 3, 4, "bad %s", "thing"), -1);
    CHECK_INT_EQ(err.code, QR_EX_DATAERR);
    CHECK_STR_EQ(err.msg, "bad thing");
    CHECK_STR_EQ(err.file, "a.txt");
}

static void test_doc_builder_and_dump(void)
{
    qr_doc *doc = qr_doc_new();
    qr_doc_meta(doc)->title = "T";
    qr_builder b;
    qr_builder_init(&b, doc);
    qr_builder_enter(&b, QR_NODE_CHAPTER);
    qr_builder_enter(&b, QR_NODE_HEADING);
    qr_builder_text(&b, "One", 3);
    qr_builder_leave(&b);
    qr_builder_enter(&b, QR_NODE_PARAGRAPH);
    qr_builder_text(&b, "He said \"hi", 11);
    qr_builder_text(&b, "\".", 2);
    qr_builder_enter(&b, QR_NODE_EMPH);
    qr_builder_text(&b, "x", 1);
    qr_builder_leave(&b);
    qr_builder_leave(&b);
    qr_builder_enter(&b, QR_NODE_SCENE_BREAK);
    qr_builder_leave(&b);
    qr_builder_finish(&b);

    qr_buf d = QR_BUF_INIT;
    qr_doc_dump(doc, &d);
    CHECK_STR_EQ(d.ptr, "title \"T\"\n"
                        "document\n"
                        "  chapter kind=body level=1\n"
                        "    heading level=1\n"
                        "      text \"One\"\n"
                        "    paragraph\n"
                        "      text \"He said \\\"hi\\\".\"\n"
                        "      emph\n"
                        "        text \"x\"\n"
                        "    scene_break\n");
    qr_buf_release(&d);

    /* ENTER/EXIT pairs balance, leaves are entered once */
    qr_iter it;
    qr_iter_init(&it, qr_doc_root(doc));
    int enters = 0, exits = 0;
    qr_event ev;
    while ((ev = qr_iter_next(&it)) != QR_EV_DONE)
        ev == QR_EV_ENTER ? enters++ : exits++;
    CHECK_INT_EQ(enters, 9);
    CHECK_INT_EQ(exits, 5);

    qr_buf t = QR_BUF_INIT;
    qr_node_plain_text(qr_chapter_heading(qr_node_first_child(qr_doc_root(doc))), &t);
    CHECK_STR_EQ(t.ptr, "One");
    qr_buf_release(&t);
    qr_doc_free(doc);
}

void suite_base(void)
{
    qt_case("base/buf", test_buf);
    qt_case("base/arena", test_arena);
    qt_case("base/utf8", test_utf8);
    qt_case("base/error", test_error);
    qt_case("doc/builder-dump-iter", test_doc_builder_and_dump);
}
