/*
 * pdfcheck.c: check-print, what a print service would refuse in a PDF
 * (pdfx.h). Read with pdfobj.c: the PDF/X-4 rules that can be read from
 * the objects themselves. Not checked (say so, README): ICC profile
 * contents beyond their presence, fonts' licensing bits, overprint
 * settings, transparency blending spaces other than a page's group.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfobj.h"
#include "pdfx.h"

typedef struct S_check {
    FILE *out;
    const char *file;
    const qr_pdf_file *f;
    int problems;
} S_check;

static void QR_PRINTF(2, 3) S_problem(S_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(c->out, "%s: error: ", c->file);
    vfprintf(c->out, fmt, ap);
    fputc('\n', c->out);
    va_end(ap);
    c->problems++;
}

/* Whether the span holds the string s. */
static int S_has(qr_span v, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = v.b; p + n <= v.e; p++)
        if (*p == *s && memcmp(p, s, n) == 0)
            return 1;
    return 0;
}

/* A value, following one reference. */
static qr_span S_deref(const qr_pdf_file *f, qr_span v)
{
    unsigned long r = qr_pdf_ref(v);
    qr_span body;
    if (r && qr_pdf_object(f, r, &body) == 0)
        return body;
    return v;
}

static int S_box(const qr_pdf_file *f, qr_span page, const char *key, double b[4])
{
    qr_span v, d = page;
    for (int depth = 0; depth < 32; depth++) {
        if (qr_pdf_get(d, key, &v) == 0) {
            v = S_deref(f, v);
            const char *p = qr_pdf_ws(v.b, v.e);
            if (p >= v.e || *p != '[')
                return -1;
            p++;
            for (int i = 0; i < 4; i++) {
                const char *s = qr_pdf_ws(p, v.e), *e = qr_pdf_skip(s, v.e);
                b[i] = qr_pdf_num((qr_span){s, e}, NAN);
                if (isnan(b[i]))
                    return -1;
                p = e;
            }
            return 0;
        }
        /* only MediaBox (and CropBox) inherit; Trim and Bleed do not */
        if (strcmp(key, "MediaBox") != 0 || qr_pdf_get(d, "Parent", &v) < 0 ||
            qr_pdf_object_dict(f, qr_pdf_ref(v), &d) < 0)
            return -1;
    }
    return -1;
}

static int S_inside(const double in[4], const double out[4])
{
    const double e = 0.01;
    return in[0] >= out[0] - e && in[1] >= out[1] - e && in[2] <= out[2] + e &&
           in[3] <= out[3] + e;
}

/* The safe area: text this far inside the trim (KDP and IngramSpark ask
 * 0.25 in of the outside edges; quire keeps the inner edge to it too). */
#define S_SAFE (0.25 * 72.0)

typedef struct S_mat {
    double a, b, c, d, e, f;
} S_mat;

/* m x n, PDF's order: a point goes through m first. */
static S_mat S_mul(S_mat m, S_mat n)
{
    return (S_mat){m.a * n.a + m.b * n.c,       m.a * n.b + m.b * n.d,
                   m.c * n.a + m.d * n.c,       m.c * n.b + m.d * n.d,
                   m.e * n.a + m.f * n.c + n.e, m.e * n.b + m.f * n.d + n.f};
}

/*
 * One pass over a content stream: the colour operators the output intent
 * cannot take, and, when trim `tb` is given, where text is shown, from
 * the graphics state's matrix (q, Q, cm) and the text matrix (BT, Tm, Td,
 * TD): the text-showing operators that begin outside the safe area. What
 * a line's glyphs reach past its start is not measured (that needs the
 * fonts' widths).
 */
typedef struct S_scan_out {
    int colours;  /* colour operators other than grey (rg, RG, k, K) */
    int unsafe;   /* text-showing operators outside the safe area */
    double x, y;  /* where the first of those begins */
} S_scan_out;

static void S_scan(const char *p, size_t len, const double *tb, S_scan_out *o)
{
    const char *e = p + len;
    S_mat stack[32], ctm = {1, 0, 0, 1, 0, 0}, tm = ctm, tlm = ctm;
    int depth = 0;
    memset(o, 0, sizeof *o);
    double num[6];
    int n = 0;
    while (p < e) {
        const char *b = qr_pdf_ws(p, e);
        if (b >= e)
            break;
        const char *q = qr_pdf_skip(b, e);
        if (q == b)
            q = b + 1;
        size_t k = (size_t)(q - b);
        if ((*b >= '0' && *b <= '9') || *b == '-' || *b == '.' || *b == '+') {
            if (n == 6)
                memmove(num, num + 1, 5 * sizeof *num);
            num[n < 6 ? n++ : 5] = strtod(b, NULL);
            p = q;
            continue;
        }
        if (*b == '(' || *b == '<' || *b == '[' || *b == '/') {
            p = q;
            continue; /* operands of another kind: kept as they are */
        }
#define S_OP(s) (k == sizeof s - 1 && memcmp(b, s, k) == 0)
        if (S_OP("q") && depth < 32) {
            stack[depth++] = ctm;
        } else if (S_OP("Q") && depth > 0) {
            ctm = stack[--depth];
        } else if (S_OP("cm") && n >= 6) {
            S_mat m = {num[n - 6], num[n - 5], num[n - 4], num[n - 3], num[n - 2], num[n - 1]};
            ctm = S_mul(m, ctm);
        } else if (S_OP("BT")) {
            tm = tlm = (S_mat){1, 0, 0, 1, 0, 0};
        } else if (S_OP("Tm") && n >= 6) {
            tm = tlm = (S_mat){num[n - 6], num[n - 5], num[n - 4], num[n - 3], num[n - 2],
                               num[n - 1]};
        } else if ((S_OP("Td") || S_OP("TD")) && n >= 2) {
            tlm = S_mul((S_mat){1, 0, 0, 1, num[n - 2], num[n - 1]}, tlm);
            tm = tlm;
        } else if (S_OP("rg") || S_OP("RG") || S_OP("k") || S_OP("K")) {
            o->colours++;
        } else if (tb && (S_OP("Tj") || S_OP("TJ") || S_OP("'") || S_OP("\""))) {
            S_mat at = S_mul(tm, ctm);
            if (at.e < tb[0] + S_SAFE - 0.01 || at.e > tb[2] - S_SAFE + 0.01 ||
                at.f < tb[1] + S_SAFE - 0.01 || at.f > tb[3] - S_SAFE + 0.01) {
                if (o->unsafe++ == 0) {
                    o->x = at.e;
                    o->y = at.f;
                }
            }
        } else if (S_OP("BI")) {
            const char *ei = q;
            while (ei + 2 < e && !(ei[0] == 'E' && ei[1] == 'I' && (ei[2] == ' ' || ei[2] == '\n')))
                ei++;
            q = ei + 2;
        }
#undef S_OP
        n = 0;
        p = q;
    }
}

/* Whether an image's colour space is the output intent's grey. */
static int S_grey_space(const qr_pdf_file *f, qr_span v)
{
    v = S_deref(f, v);
    if (qr_pdf_is_name(v, "DeviceGray") || qr_pdf_is_name(v, "G"))
        return 1;
    /* [/ICCBased N 0 R] with /N 1; [/Indexed /DeviceGray ...] */
    const char *p = qr_pdf_ws(v.b, v.e);
    if (p >= v.e || *p != '[')
        return 0;
    const char *s = qr_pdf_ws(p + 1, v.e), *e = qr_pdf_skip(s, v.e);
    qr_span first = {s, e};
    const char *s2 = qr_pdf_ws(e, v.e), *e2 = qr_pdf_skip(s2, v.e);
    qr_span second = {s2, e2};
    if (qr_pdf_is_name(first, "ICCBased")) {
        qr_span d, n;
        return qr_pdf_object_dict(f, qr_pdf_ref(second), &d) == 0 && qr_pdf_get(d, "N", &n) == 0 &&
               qr_pdf_num(n, 0) == 1;
    }
    if (qr_pdf_is_name(first, "Indexed"))
        return S_grey_space(f, second);
    return 0;
}

int qr_pdfx_check(const char *file, const char *p, size_t len, FILE *out, qr_error *err)
{
    qr_pdf_file f;
    if (qr_pdf_file_open(&f, p, len, err) < 0)
        return -1;
    S_check c = {out, file, &f, 0};
    qr_span cat, v, info;
    if (qr_pdf_object_dict(&f, f.root, &cat) < 0) {
        qr_pdf_file_free(&f);
        return qr_error_set(err, QR_EX_DATAERR, file, 0, 0, "the PDF has no catalog");
    }
    /* the output intent */
    int intent = 0;
    if (qr_pdf_get(cat, "OutputIntents", &v) == 0) {
        v = S_deref(&f, v);
        intent = S_has(v, "/GTS_PDFX") &&
                 S_has(v, "/DestOutputProfile");
    }
    if (!intent)
        S_problem(&c, "no PDF/X output intent with an ICC profile (/OutputIntents)");
    if (qr_pdf_get(cat, "Metadata", &v) < 0)
        S_problem(&c, "no XMP metadata (/Metadata in the catalog)");
    int has_info = f.info && qr_pdf_object_dict(&f, f.info, &info) == 0;
    if (!has_info || qr_pdf_get(info, "GTS_PDFXVersion", &v) < 0 ||
        !S_has(v, "PDF/X-4"))
        S_problem(&c, "not identified as PDF/X-4 (/GTS_PDFXVersion in the document information)");
    if (!has_info || qr_pdf_get(info, "Trapped", &v) < 0 ||
        !(qr_pdf_is_name(v, "False") || qr_pdf_is_name(v, "True")))
        S_problem(&c, "/Trapped is not set to /True or /False");
    if (!f.id[0])
        S_problem(&c, "no document ID (/ID in the trailer)");

    /* every object: fonts embedded, images and contents in grey */
    for (unsigned long num = 1; num < f.size; num++) {
        qr_span d;
        if (qr_pdf_object_dict(&f, num, &d) < 0)
            continue;
        if (qr_pdf_get(d, "Type", &v) == 0 && qr_pdf_is_name(v, "FontDescriptor")) {
            qr_span x;
            if (qr_pdf_get(d, "FontFile", &x) < 0 && qr_pdf_get(d, "FontFile2", &x) < 0 &&
                qr_pdf_get(d, "FontFile3", &x) < 0) {
                qr_span name = {"", ""};
                qr_pdf_get(d, "FontName", &name);
                S_problem(&c, "font %.*s is not embedded", (int)(name.e - name.b), name.b);
            }
        }
        if (qr_pdf_get(d, "Type", &v) == 0 && qr_pdf_is_name(v, "Font") &&
            qr_pdf_get(d, "Subtype", &v) == 0 &&
            (qr_pdf_is_name(v, "Type1") || qr_pdf_is_name(v, "TrueType")) &&
            qr_pdf_get(d, "FontDescriptor", &v) < 0) {
            qr_span name = {"", ""};
            qr_pdf_get(d, "BaseFont", &name);
            S_problem(&c, "font %.*s is not embedded", (int)(name.e - name.b), name.b);
        }
        if (qr_pdf_get(d, "Subtype", &v) < 0)
            continue;
        if (qr_pdf_is_name(v, "Image")) {
            qr_span cs, mask;
            if (qr_pdf_get(d, "ImageMask", &mask) == 0 && !qr_pdf_is_name(mask, "false") &&
                S_has(mask, "true"))
                continue;
            if (qr_pdf_get(d, "ColorSpace", &cs) < 0 || !S_grey_space(&f, cs))
                S_problem(&c, "image (object %lu) is not in the output intent's grey", num);
            if (qr_pdf_get(d, "SMask", &mask) == 0)
                S_problem(&c, "image (object %lu) has a soft mask (transparency)", num);
        } else if (qr_pdf_is_name(v, "Form")) {
            qr_buf data = QR_BUF_INIT;
            S_scan_out so;
            if (qr_pdf_stream(&f, num, 0, &data) == 0 &&
                (S_scan(data.ptr, data.len, NULL, &so), so.colours > 0))
                S_problem(&c, "form (object %lu) sets colours outside the output intent's grey",
                          num);
            qr_buf_release(&data);
        }
    }

    /* the pages: boxes, annotations, contents */
    qr_span pages;
    unsigned long *stack = xmalloc(64 * sizeof *stack);
    size_t top = 0, cap = 64;
    int page_no = 0;
    if (qr_pdf_get(cat, "Pages", &v) == 0)
        stack[top++] = qr_pdf_ref(v);
    /* each object once: a page tree that loops ends */
    unsigned char *seen = calloc(f.size, 1);
    while (top > 0) {
        unsigned long node = stack[--top];
        if (node == 0 || node >= f.size || seen[node])
            continue;
        seen[node] = 1;
        if (qr_pdf_object_dict(&f, node, &pages) < 0 || qr_pdf_get(pages, "Type", &v) < 0)
            continue;
        if (qr_pdf_is_name(v, "Pages")) {
            if (qr_pdf_get(pages, "Kids", &v) < 0)
                continue;
            /* pushed in reverse, popped in order */
            unsigned long kids[4096];
            size_t nk = 0;
            const char *q = qr_pdf_ws(v.b, v.e) + 1;
            for (;;) {
                const char *s = qr_pdf_ws(q, v.e), *e = qr_pdf_skip(s, v.e);
                if (e == s || *s == ']' || nk == 4096)
                    break;
                kids[nk++] = qr_pdf_ref((qr_span){s, e});
                q = e;
            }
            while (nk > 0) {
                if (top == cap)
                    stack = xrealloc(stack, (cap *= 2) * sizeof *stack);
                stack[top++] = kids[--nk];
            }
            continue;
        }
        page_no++;
        double mb[4], bb[4], tb[4];
        if (S_box(&f, pages, "MediaBox", mb) < 0) {
            S_problem(&c, "page %d has no MediaBox", page_no);
            continue;
        }
        int has_b = S_box(&f, pages, "BleedBox", bb) == 0,
            has_t = S_box(&f, pages, "TrimBox", tb) == 0;
        if (!has_t)
            S_problem(&c, "page %d has no TrimBox (the trim size)", page_no);
        if (!has_b)
            S_problem(&c, "page %d has no BleedBox", page_no);
        if (has_t && has_b && !(S_inside(tb, bb) && S_inside(bb, mb)))
            S_problem(&c, "page %d's boxes do not nest (TrimBox in BleedBox in MediaBox)",
                      page_no);
        if (has_t && has_b &&
            (tb[0] - bb[0] > 9.01 || tb[1] - bb[1] > 9.01 || bb[2] - tb[2] > 9.01 ||
             bb[3] - tb[3] > 9.01))
            S_problem(&c, "page %d bleeds more than 0.125 in past its trim", page_no);
        if (qr_pdf_get(pages, "Annots", &v) == 0)
            S_problem(&c, "page %d has annotations (links): PDF/X allows none on the page",
                      page_no);
        qr_span g;
        if (qr_pdf_get(pages, "Group", &g) == 0 &&
            S_has(g, "/DeviceRGB"))
            S_problem(&c, "page %d has a transparency group in RGB", page_no);
        if (qr_pdf_get(pages, "Contents", &v) == 0) {
            unsigned long refs[256];
            size_t nr = 0;
            if (qr_pdf_ref(v)) {
                refs[nr++] = qr_pdf_ref(v);
            } else {
                const char *q = qr_pdf_ws(v.b, v.e) + 1;
                for (;;) {
                    const char *s = qr_pdf_ws(q, v.e), *e = qr_pdf_skip(s, v.e);
                    if (e == s || *s == ']' || nr == 256)
                        break;
                    refs[nr++] = qr_pdf_ref((qr_span){s, e});
                    q = e;
                }
            }
            for (size_t i = 0; i < nr; i++) {
                qr_buf data = QR_BUF_INIT;
                if (qr_pdf_stream(&f, refs[i], 0, &data) < 0) {
                    S_problem(&c, "page %d's content cannot be read", page_no);
                    qr_buf_release(&data);
                    continue;
                }
                /* a cover's spread has its spine's text between its panels:
                 * the safe area is the interior's rule */
                int spread = has_t && tb[2] - tb[0] > tb[3] - tb[1];
                S_scan_out so;
                S_scan(data.ptr, data.len, has_t && !spread ? tb : NULL, &so);
                if (so.colours > 0)
                    S_problem(&c, "page %d sets colours outside the output intent's grey",
                              page_no);
                if (so.unsafe > 0)
                    S_problem(&c,
                              "page %d: text within 0.25 in of the trim (at %.1f, %.1f pt; %d "
                              "place%s)",
                              page_no, so.x, so.y, so.unsafe, so.unsafe == 1 ? "" : "s");
                qr_buf_release(&data);
            }
        }
    }
    if (page_no == 0)
        S_problem(&c, "the PDF has no pages");
    free(stack);
    free(seen);
    qr_pdf_file_free(&f);
    return c.problems;
}
