/* e2e_quality.c: typesetting quality the line breaker must keep. */
#include <stdlib.h>

#include "test.h"

static const char *S_quire(void)
{
    const char *q = getenv("QUIRE");
    return q && *q ? q : "./quire";
}

/*
 * A paragraph whose first line can be neither full nor overfull: with the
 * indent, "Having inspected ... the" is 36 pt short with seven spaces and
 * one word more is 2 pt too wide, and "Redoubt," has no hyphenation point
 * (War and Peace, book 10, chapter 27). The sloppy retry must spread the
 * looseness over the lines (TeX's \sloppy, tolerance 9999 and the
 * emergency pass); it once took tolerance 10000, where every gap of
 * infinite badness costs the same, and set "Having inspected" alone across
 * the measure (adjustment ratio 212).
 */
static void test_sloppy_paragraph(void)
{
    qr_buf dir = QR_BUF_INIT, src = QR_BUF_INIT, out = QR_BUF_INIT, err = QR_BUF_INIT;
    qt_scratch("quality-sloppy", &dir);
    qr_buf_addf(&src, "%s/in.txt", dir.ptr);
    static const char text[] =
        "First.\n\nHaving inspected the country opposite the Shevardino Redoubt, Napoleon "
        "pondered a little in silence and then indicated the spots where two batteries should "
        "be set up by the morrow to act against the Russian entrenchments.\n";
    CHECK_INT_EQ(qt_write(src.ptr, text, sizeof text - 1), 0);
    const char *argv[] = {S_quire(), "trace", "--stats", src.ptr, NULL};
    CHECK_INT_EQ(qt_run(argv, NULL, &out, &err), 0);
    CHECK_CONTAINS(out.ptr, "overfull lines: 0 ");
    const char *r = strstr(out.ptr, ", max ");
    double ratio_max = r ? atof(r + 6) : 1e9;
    if (ratio_max > 5)
        qt_fail(__FILE__, __LINE__, "a line's adjustment ratio is %.2f", ratio_max);
    qr_buf_release(&dir);
    qr_buf_release(&src);
    qr_buf_release(&out);
    qr_buf_release(&err);
}

void suite_quality(void)
{
    qt_case("quality/sloppy-paragraph", test_sloppy_paragraph);
}
