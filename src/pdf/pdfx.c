/* pdfx.c: PDF/X-4 in grey after cairo (see pdfx.h). */
#include <lcms2.h>
#include <libxml/xmlwriter.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/sha256.h"
#include "pdfobj.h"
#include "pdfx.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif

/* The output intent ------------------------------------------------------
 *
 * Debian ships no grey or CMYK *printer* profile: icc-profiles-free's
 * Gray.icc is a display profile (class 'mntr', refused as a PDF/X output
 * intent) and its FOGRA39 is measurement data (.ti3), not a profile. So
 * quire makes its own with lcms2: a monochrome output profile ('prtr') for
 * black ink on white uncoated book paper, the printing condition KDP's and
 * IngramSpark's black-and-white interiors are: 20 % dot gain at the 50 %
 * tint (the tone curve of Murray-Davies with that gain), solid black at a
 * density of 1.6 (Y = 0.025, L* 18). The header's date is fixed, so the
 * profile's bytes never change. */

#define S_SOLID_Y 0.025

static cmsHPROFILE S_grey_profile(void)
{
    float curve[256];
    for (int i = 0; i < 256; i++) {
        double x = i / 255.0;       /* device value: 0 black, 1 white (no ink) */
        double k = 1 - x;           /* ink asked for */
        double kp = k + 0.8 * k * (1 - k); /* printed: 0.5 -> 0.7 */
        curve[i] = (float)(1 - kp * (1 - S_SOLID_Y));
    }
    cmsToneCurve *t = cmsBuildTabulatedToneCurveFloat(NULL, 256, curve);
    cmsHPROFILE h = cmsCreateGrayProfile(cmsD50_xyY(), t);
    cmsFreeToneCurve(t);
    cmsSetDeviceClass(h, cmsSigOutputClass);
    cmsSetProfileVersion(h, 2.1);
    cmsSetHeaderRenderingIntent(h, INTENT_RELATIVE_COLORIMETRIC);
    cmsMLU *desc = cmsMLUalloc(NULL, 1), *cprt = cmsMLUalloc(NULL, 1);
    cmsMLUsetASCII(desc, "en", "US", "quire Grey, black ink on uncoated paper, dot gain 20%");
    cmsMLUsetASCII(cprt, "en", "US", "No copyright, use freely");
    cmsWriteTag(h, cmsSigProfileDescriptionTag, desc);
    cmsWriteTag(h, cmsSigCopyrightTag, cprt);
    cmsMLUfree(desc);
    cmsMLUfree(cprt);
    return h;
}

void qr_pdfx_grey_profile(qr_buf *out)
{
    cmsHPROFILE h = S_grey_profile();
    cmsUInt32Number n = 0;
    cmsSaveProfileToMem(h, NULL, &n);
    qr_buf_grow(out, n + 1);
    unsigned char *p = (unsigned char *)out->ptr + out->len;
    cmsSaveProfileToMem(h, p, &n);
    cmsCloseProfile(h);
    /* the creation date (bytes 24-35): 2026-01-01 00:00:00 */
    static const unsigned char date[12] = {0x07, 0xea, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0};
    if (n >= 36)
        memcpy(p + 24, date, sizeof date);
    out->len += n;
    out->ptr[out->len] = '\0';
}

/* sRGB to the output grey, made once. */
static cmsHTRANSFORM S_transform(int dbl)
{
    static cmsHTRANSFORM t[2];
    if (!t[dbl]) {
        cmsHPROFILE srgb = cmsCreate_sRGBProfile(), grey = S_grey_profile();
        t[dbl] = cmsCreateTransform(srgb, dbl ? TYPE_RGB_DBL : TYPE_BGRA_8, grey,
                                    dbl ? TYPE_GRAY_DBL : TYPE_GRAY_8, INTENT_RELATIVE_COLORIMETRIC,
                                    cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOCACHE);
        cmsCloseProfile(srgb);
        cmsCloseProfile(grey);
    }
    return t[dbl];
}

double qr_pdfx_grey(double r, double g, double b)
{
    /* black and white are the ink's and the paper's, exactly */
    if (r <= 0 && g <= 0 && b <= 0)
        return 0;
    if (r >= 1 && g >= 1 && b >= 1)
        return 1;
    /* lcms2's double RGB is 0..1; its double grey is L* 0..100 */
    double in[3] = {r, g, b}, out = 0;
    cmsDoTransform(S_transform(1), in, &out, 1);
    double v = out / 100.0;
    return v < 0 ? 0 : v > 1 ? 1 : v;
}

void qr_pdfx_grey_pixels(unsigned char *data, int w, int h, int stride)
{
    unsigned char *row = xmalloc((size_t)w + 1);
    for (int y = 0; y < h; y++) {
        unsigned char *p = data + (size_t)y * (size_t)stride;
        /* cairo's pixels are premultiplied: over white, c + (255 - a) */
        for (int x = 0; x < w; x++) {
            unsigned char *px = p + 4 * x;
            int a = px[3];
            for (int c = 0; c < 3; c++)
                px[c] = (unsigned char)(px[c] + (255 - a) > 255 ? 255 : px[c] + (255 - a));
            px[3] = 255;
        }
        cmsDoTransform(S_transform(0), p, row, (cmsUInt32Number)w);
        for (int x = 0; x < w; x++)
            p[4 * x] = p[4 * x + 1] = p[4 * x + 2] = row[x];
    }
    free(row);
}

/* Content streams in grey -------------------------------------------------
 *
 * cairo sets every colour as DeviceRGB ("0 0 0 rg"); PDF/X-4 with a grey
 * output intent allows DeviceGray alone. The operators that set a colour
 * (rg, RG, k, K) are rewritten with the grey they print as; everything else
 * is copied byte for byte. */

static int S_is_ws(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

static int S_is_number(const char *b, const char *e)
{
    if (b == e)
        return 0;
    for (const char *p = b; p < e; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+'))
            return 0;
    return 1;
}

static void S_grey_op(qr_buf *out, double v, int stroke)
{
    char num[32];
    snprintf(num, sizeof num, "%.4f", v);
    /* "0.5000" -> "0.5", "1.0000" -> "1" */
    char *d = strchr(num, '.');
    if (d) {
        char *z = num + strlen(num) - 1;
        while (z > d && *z == '0')
            *z-- = '\0';
        if (z == d)
            *z = '\0';
    }
    qr_buf_addf(out, "%s %s", num, stroke ? "G" : "g");
}

/* Rewrites content stream c into out; returns the colour operators left
 * that the output intent cannot take (cs/CS/sc/scn on other spaces). */
static void S_grey_content(const char *c, size_t len, qr_buf *out)
{
    const char *p = c, *e = c + len;
    const char *run = p; /* the start of the operands not yet copied */
    qr_span ops[4];
    int n_ops = 0;
    while (p < e) {
        if (S_is_ws(*p)) {
            p++;
            continue;
        }
        const char *b = p;
        if (*p == '(' || *p == '<' || *p == '[' || *p == '/') {
            p = qr_pdf_skip(p, e);
            n_ops = 5; /* not numbers: no colour operator to rewrite */
            continue;
        }
        if (*p == '%') {
            while (p < e && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        while (p < e && !S_is_ws(*p) && !strchr("()<>[]{}/%", *p))
            p++;
        if (p == b) { /* a stray delimiter */
            p++;
            continue;
        }
        if (S_is_number(b, p)) {
            if (n_ops < 4)
                ops[n_ops] = (qr_span){b, p};
            n_ops++;
            continue;
        }
        /* an operator */
        size_t n = (size_t)(p - b);
        int rgb = n == 2 && (memcmp(b, "rg", 2) == 0 || memcmp(b, "RG", 2) == 0);
        int cmyk = n == 1 && (*b == 'k' || *b == 'K');
        if ((rgb && n_ops == 3) || (cmyk && n_ops == 4)) {
            qr_buf_add(out, run, (size_t)(ops[0].b - run));
            double v[4];
            for (int i = 0; i < n_ops; i++)
                v[i] = qr_pdf_num(ops[i], 0);
            double grey;
            if (rgb) {
                grey = qr_pdfx_grey(v[0], v[1], v[2]);
            } else {
                double r = (1 - v[0]) * (1 - v[3]), g = (1 - v[1]) * (1 - v[3]),
                       bl = (1 - v[2]) * (1 - v[3]);
                grey = qr_pdfx_grey(r, g, bl);
            }
            S_grey_op(out, grey, rgb ? b[0] == 'R' : b[0] == 'K');
            run = p;
        } else if (n == 2 && memcmp(b, "BI", 2) == 0) {
            /* an inline image: copied to its EI */
            while (p + 2 <= e && !(S_is_ws(p[-1]) && p[0] == 'E' && p[1] == 'I' &&
                                   (p + 2 == e || S_is_ws(p[2]))))
                p++;
            p = p + 2 <= e ? p + 2 : e;
        }
        n_ops = 0;
    }
    qr_buf_add(out, run, (size_t)(e - run));
}

/* The update --------------------------------------------------------------- */

typedef struct S_obj {
    unsigned long num;
    size_t off;
} S_obj;

typedef struct S_update {
    const qr_pdf_file *f;
    qr_buf *pdf;  /* the file; the update is appended to it as it is made */
    S_obj *objs;
    size_t n, cap;
    unsigned long next; /* the next new object number */
} S_update;

static void S_begin(S_update *u, unsigned long num)
{
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 64;
        u->objs = xrealloc(u->objs, u->cap * sizeof *u->objs);
    }
    u->objs[u->n++] = (S_obj){num, u->pdf->len};
    qr_buf_addf(u->pdf, "%lu 0 obj\n", num);
}

/* Copies a dictionary's entries but those named in skip (NULL-ended). */
typedef struct S_copy_ctx {
    qr_buf *out;
    const char *const *skip;
} S_copy_ctx;

static void S_copy_fn(void *ctx, qr_span key, qr_span value)
{
    S_copy_ctx *c = ctx;
    for (const char *const *s = c->skip; *s; s++)
        if ((size_t)(key.e - key.b) == strlen(*s) && memcmp(key.b, *s, strlen(*s)) == 0)
            return;
    qr_buf_addf(c->out, "   %.*s %.*s\n", (int)(key.e - key.b), key.b, (int)(value.e - value.b),
                value.b);
}

/* A stream object written whole: dict entries (text, may be "") and data,
 * deflated. */
static void S_stream(S_update *u, unsigned long num, const char *entries, const char *data,
                     size_t len, int deflate)
{
    qr_buf z = QR_BUF_INIT;
    if (deflate)
        qr_pdf_deflate(data, len, &z);
    S_begin(u, num);
    qr_buf_addf(u->pdf, "<<%s   /Length %zu\n%s>>\nstream\n", entries, deflate ? z.len : len,
                deflate ? "   /Filter /FlateDecode\n" : "");
    qr_buf_add(u->pdf, deflate ? z.ptr : data, deflate ? z.len : len);
    qr_buf_adds(u->pdf, "\nendstream\nendobj\n");
    qr_buf_release(&z);
}

/* A content stream (a page's or a form's) again in grey; form: the entries
 * of its dictionary to keep (its /Group dropped: nothing is transparent). */
static int S_regrey(S_update *u, unsigned long num)
{
    qr_span d;
    qr_buf in = QR_BUF_INIT, out = QR_BUF_INIT, entries = QR_BUF_INIT;
    if (qr_pdf_object_dict(u->f, num, &d) < 0 || qr_pdf_stream(u->f, num, 0, &in) < 0) {
        qr_buf_release(&in);
        return -1;
    }
    S_grey_content(in.ptr, in.len, &out);
    static const char *const skip[] = {"/Length", "/Filter", "/DecodeParms", "/Group", NULL};
    qr_buf_addc(&entries, '\n');
    S_copy_ctx c = {&entries, skip};
    qr_pdf_each(d, S_copy_fn, &c);
    S_stream(u, num, entries.ptr, out.ptr, out.len, 1);
    qr_buf_release(&in);
    qr_buf_release(&out);
    qr_buf_release(&entries);
    return 0;
}

static void S_keywords(const qr_meta *m, qr_buf *out)
{
    for (int i = 0; i < m->n_subjects; i++) {
        if (out->len)
            qr_buf_adds(out, ", ");
        qr_buf_adds(out, m->subjects[i]);
    }
}

/* The XMP packet: what Info says, and PDF/X's identification; written
 * with libxml2's writer, as all of quire's XML. */
static void S_el(xmlTextWriterPtr w, const char *name, const char *text)
{
    xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST text);
}

/* <name><rdf:KIND><rdf:li [xml:lang="x-default"]>text</rdf:li></rdf:KIND></name> */
static void S_list(xmlTextWriterPtr w, const char *name, const char *kind, const char *text)
{
    xmlTextWriterStartElement(w, BAD_CAST name);
    xmlTextWriterStartElement(w, BAD_CAST kind);
    xmlTextWriterStartElement(w, BAD_CAST "rdf:li");
    if (strcmp(kind, "rdf:Alt") == 0)
        xmlTextWriterWriteAttribute(w, BAD_CAST "xml:lang", BAD_CAST "x-default");
    xmlTextWriterWriteString(w, BAD_CAST text);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
}

static void S_xmp(const qr_pdfx *x, const char *doc_id, const char *producer, qr_buf *out)
{
    const qr_meta *m = x->meta;
    char when[32], id[64];
    struct tm tm;
    gmtime_r(&x->date, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(id, sizeof id, "uuid:%s", doc_id);
    qr_buf authors = QR_BUF_INIT, keywords = QR_BUF_INIT;
    qr_meta_authors(m, &authors);
    S_keywords(m, &keywords);
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xmlNewTextWriterMemory(xb, 0);
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterWritePI(w, BAD_CAST "xpacket",
                         BAD_CAST "begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"");
    xmlTextWriterStartElement(w, BAD_CAST "x:xmpmeta");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:x", BAD_CAST "adobe:ns:meta/");
    xmlTextWriterStartElement(w, BAD_CAST "rdf:RDF");
    xmlTextWriterWriteAttribute(w, BAD_CAST "xmlns:rdf",
                                BAD_CAST "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
    xmlTextWriterStartElement(w, BAD_CAST "rdf:Description");
    xmlTextWriterWriteAttribute(w, BAD_CAST "rdf:about", BAD_CAST "");
    static const char *const ns[][2] = {
        {"xmlns:dc", "http://purl.org/dc/elements/1.1/"},
        {"xmlns:xmp", "http://ns.adobe.com/xap/1.0/"},
        {"xmlns:xmpMM", "http://ns.adobe.com/xap/1.0/mm/"},
        {"xmlns:pdf", "http://ns.adobe.com/pdf/1.3/"},
        {"xmlns:pdfxid", "http://www.npes.org/pdfx/ns/id/"},
    };
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        xmlTextWriterWriteAttribute(w, BAD_CAST ns[i][0], BAD_CAST ns[i][1]);
    S_el(w, "dc:format", "application/pdf");
    S_list(w, "dc:title", "rdf:Alt", m->title ? m->title : "Untitled");
    if (authors.len)
        S_list(w, "dc:creator", "rdf:Seq", authors.ptr);
    if (m->description)
        S_list(w, "dc:description", "rdf:Alt", m->description);
    if (keywords.len)
        S_el(w, "pdf:Keywords", keywords.ptr);
    S_el(w, "xmp:CreateDate", when);
    S_el(w, "xmp:ModifyDate", when);
    S_el(w, "xmp:MetadataDate", when);
    S_el(w, "xmp:CreatorTool", "quire " QUIRE_VERSION);
    S_el(w, "pdf:Producer", producer);
    S_el(w, "pdf:Trapped", "False");
    S_el(w, "xmpMM:DocumentID", id);
    S_el(w, "xmpMM:InstanceID", id);
    S_el(w, "xmpMM:VersionID", "1");
    S_el(w, "xmpMM:RenditionClass", "default");
    S_el(w, "pdfxid:GTS_PDFXVersion", "PDF/X-4");
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
    xmlTextWriterWritePI(w, BAD_CAST "xpacket", BAD_CAST "end=\"r\"");
    xmlFreeTextWriter(w);
    qr_buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    qr_buf_release(&authors);
    qr_buf_release(&keywords);
}

/* A UUID's text from the first 16 bytes of the document's digest. */
static void S_uuid(const unsigned char *d, char out[37])
{
    snprintf(out, 37,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
             d[2], d[3], d[4], d[5], (d[6] & 0x0f) | 0x40, d[7], (d[8] & 0x3f) | 0x80, d[9], d[10],
             d[11], d[12], d[13], d[14], d[15]);
}

/* The four numbers of a box value, or -1. */
static int S_box(qr_span v, double box[4])
{
    const char *p = qr_pdf_ws(v.b, v.e);
    if (p >= v.e || *p != '[')
        return -1;
    p++;
    for (int i = 0; i < 4; i++) {
        const char *b = qr_pdf_ws(p, v.e), *e = qr_pdf_skip(b, v.e);
        if (e == b)
            return -1;
        box[i] = qr_pdf_num((qr_span){b, e}, NAN);
        if (isnan(box[i]))
            return -1;
        p = e;
    }
    return 0;
}

/* A page's MediaBox, its own or inherited. */
static int S_media_box(const qr_pdf_file *f, qr_span page, double box[4])
{
    qr_span v, d = page;
    for (int depth = 0; depth < 32; depth++) {
        if (qr_pdf_get(d, "MediaBox", &v) == 0)
            return S_box(v, box);
        if (qr_pdf_get(d, "Parent", &v) < 0 || qr_pdf_object_dict(f, qr_pdf_ref(v), &d) < 0)
            return -1;
    }
    return -1;
}

/* The page objects, in the order of the page tree. */
static void S_pages(const qr_pdf_file *f, unsigned long node, unsigned long **out, size_t *n,
                    size_t *cap, int depth)
{
    qr_span d, v;
    if (depth > 32 || qr_pdf_object_dict(f, node, &d) < 0 || qr_pdf_get(d, "Type", &v) < 0)
        return;
    if (qr_pdf_is_name(v, "Page")) {
        if (*n == *cap) {
            *cap = *cap ? 2 * *cap : 64;
            *out = xrealloc(*out, *cap * sizeof **out);
        }
        (*out)[(*n)++] = node;
        return;
    }
    if (qr_pdf_get(d, "Kids", &v) < 0)
        return;
    const char *p = qr_pdf_ws(v.b, v.e);
    if (p >= v.e || *p != '[')
        return;
    p++;
    for (;;) {
        const char *b = qr_pdf_ws(p, v.e), *e = qr_pdf_skip(b, v.e);
        if (e == b || *b == ']')
            return;
        unsigned long kid = qr_pdf_ref((qr_span){b, e});
        if (kid)
            S_pages(f, kid, out, n, cap, depth + 1);
        p = e;
    }
}

/* Each content stream a page names (one reference, or an array of them). */
static int S_page_contents(S_update *u, qr_span page)
{
    qr_span v;
    if (qr_pdf_get(page, "Contents", &v) < 0)
        return 0;
    unsigned long one = qr_pdf_ref(v);
    if (one)
        return S_regrey(u, one);
    const char *p = qr_pdf_ws(v.b, v.e);
    if (p >= v.e || *p != '[')
        return -1;
    p++;
    for (;;) {
        const char *b = qr_pdf_ws(p, v.e), *e = qr_pdf_skip(b, v.e);
        if (e == b || *b == ']')
            return 0;
        unsigned long ref = qr_pdf_ref((qr_span){b, e});
        if (ref && S_regrey(u, ref) < 0)
            return -1;
        p = e;
    }
}

static int S_cmp_obj(const void *a, const void *b)
{
    unsigned long x = ((const S_obj *)a)->num, y = ((const S_obj *)b)->num;
    return x < y ? -1 : x > y;
}

int qr_pdfx_convert(qr_buf *pdf, const qr_pdfx *x, qr_error *err)
{
    qr_pdf_file f;
    /* the update is appended to pdf, which may move: read a copy */
    size_t orig = pdf->len;
    char *copy = xmalloc(orig + 1);
    memcpy(copy, pdf->ptr, orig + 1);
    if (qr_pdf_file_open(&f, copy, orig, err) < 0) {
        free(copy);
        return -1;
    }
    S_update u = {&f, pdf, NULL, 0, 0, f.size};
    unsigned long *pages = NULL;
    size_t n_pages = 0, cap = 0;
    int rc = -1;
    if (pdf->len && pdf->ptr[pdf->len - 1] != '\n')
        qr_buf_addc(pdf, '\n');

    /* every form XObject's content too: cairo draws groups and patterns
     * through them */
    for (unsigned long num = 1; num < f.size; num++) {
        qr_span d, v;
        if (qr_pdf_object_dict(&f, num, &d) < 0 || qr_pdf_get(d, "Subtype", &v) < 0 ||
            !qr_pdf_is_name(v, "Form"))
            continue;
        if (S_regrey(&u, num) < 0)
            goto bad;
    }
    S_pages(&f, f.root, &pages, &n_pages, &cap, 0);
    if (n_pages == 0) {
        qr_span cat, v;
        if (qr_pdf_object_dict(&f, f.root, &cat) < 0 || qr_pdf_get(cat, "Pages", &v) < 0)
            goto bad;
        S_pages(&f, qr_pdf_ref(v), &pages, &n_pages, &cap, 0);
    }
    if (n_pages == 0)
        goto bad;
    for (size_t i = 0; i < n_pages; i++) {
        qr_span d;
        double mb[4];
        if (qr_pdf_object_dict(&f, pages[i], &d) < 0 || S_media_box(&f, d, mb) < 0)
            goto bad;
        if (S_page_contents(&u, d) < 0)
            goto bad;
        /* links are screen furniture: PDF/X allows no annotation in the
         * bleed box; nothing on a page is transparent, so no group */
        static const char *const skip[] = {"/TrimBox", "/BleedBox", "/ArtBox", "/Group",
                                           "/Annots",  NULL};
        S_begin(&u, pages[i]);
        qr_buf_adds(pdf, "<<\n");
        S_copy_ctx c = {pdf, skip};
        qr_pdf_each(d, S_copy_fn, &c);
        double b = x->bleed;
        qr_buf_addf(pdf, "   /BleedBox [%.4f %.4f %.4f %.4f]\n", mb[0], mb[1], mb[2], mb[3]);
        qr_buf_addf(pdf, "   /TrimBox [%.4f %.4f %.4f %.4f]\n", mb[0] + b, mb[1] + b, mb[2] - b,
                    mb[3] - b);
        qr_buf_adds(pdf, ">>\nendobj\n");
    }

    /* the output intent's profile and the XMP packet */
    unsigned long icc = u.next++, xmp = u.next++;
    qr_buf prof = QR_BUF_INIT;
    qr_pdfx_grey_profile(&prof);
    S_stream(&u, icc, "\n   /N 1\n", prof.ptr, prof.len, 1);
    qr_buf_release(&prof);

    unsigned char digest[32];
    qr_sha256(copy, orig, digest);
    char uuid[37];
    S_uuid(digest, uuid);
    const char *producer = "quire " QUIRE_VERSION " with cairo";
    qr_buf meta = QR_BUF_INIT;
    S_xmp(x, uuid, producer, &meta);
    S_stream(&u, xmp, "\n   /Type /Metadata\n   /Subtype /XML\n", meta.ptr, meta.len, 0);
    qr_buf_release(&meta);

    /* the catalog */
    qr_span cat;
    if (qr_pdf_object_dict(&f, f.root, &cat) < 0)
        goto bad;
    static const char *const cat_skip[] = {"/Version", "/OutputIntents", "/Metadata", NULL};
    S_begin(&u, f.root);
    qr_buf_adds(pdf, "<<\n");
    S_copy_ctx cc = {pdf, cat_skip};
    qr_pdf_each(cat, S_copy_fn, &cc);
    qr_buf_addf(pdf,
                "   /Version /1.6\n   /Metadata %lu 0 R\n"
                "   /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFX\n"
                "      /OutputConditionIdentifier (Custom)\n"
                "      /OutputCondition (Black ink on uncoated book paper, dot gain 20%%)\n"
                "      /Info (quire Grey, black ink on uncoated paper, dot gain 20%%)\n"
                "      /RegistryName (http://www.color.org)\n"
                "      /DestOutputProfile %lu 0 R >>]\n>>\nendobj\n",
                xmp, icc);

    /* the document information, as the XMP packet says it */
    unsigned long info = f.info ? f.info : u.next++;
    qr_span id;
    static const char *const info_skip[] = {"/Producer", "/Trapped", "/GTS_PDFXVersion", "/Title",
                                            NULL};
    S_begin(&u, info);
    qr_buf_adds(pdf, "<<\n");
    if (f.info && qr_pdf_object_dict(&f, f.info, &id) == 0) {
        S_copy_ctx ic = {pdf, info_skip};
        qr_pdf_each(id, S_copy_fn, &ic);
    }
    const char *title = x->meta->title ? x->meta->title : "Untitled";
    qr_buf_adds(pdf, "   /Title ");
    qr_pdf_text_string(pdf, title, strlen(title));
    qr_buf_addf(pdf, "\n   /Producer (%s)\n   /Trapped /False\n"
                     "   /GTS_PDFXVersion (PDF/X-4)\n>>\nendobj\n",
                producer);

    /* the cross-reference table of the update, in sections of consecutive
     * numbers */
    qsort(u.objs, u.n, sizeof *u.objs, S_cmp_obj);
    size_t start = pdf->len;
    qr_buf_adds(pdf, "xref\n");
    for (size_t i = 0; i < u.n;) {
        size_t j = i + 1;
        while (j < u.n && u.objs[j].num == u.objs[j - 1].num + 1)
            j++;
        qr_buf_addf(pdf, "%lu %zu\n", u.objs[i].num, j - i);
        for (; i < j; i++)
            qr_buf_addf(pdf, "%010zu 00000 n \n", u.objs[i].off);
    }
    qr_buf_addf(pdf, "trailer\n<< /Size %lu\n   /Root %lu 0 R\n   /Info %lu 0 R\n", u.next, f.root,
                info);
    if (f.id[0]) {
        qr_buf_addf(pdf, "   %s\n", f.id);
    } else {
        qr_buf_adds(pdf, "   /ID [<");
        for (int i = 0; i < 16; i++)
            qr_buf_addf(pdf, "%02X", digest[i]);
        qr_buf_adds(pdf, "> <");
        for (int i = 0; i < 16; i++)
            qr_buf_addf(pdf, "%02X", digest[i]);
        qr_buf_adds(pdf, ">]\n");
    }
    qr_buf_addf(pdf, "   /Prev %zu\n>>\nstartxref\n%zu\n%%%%EOF\n", f.last_xref, start);
    rc = 0;
    goto done;
bad:
    qr_buf_truncate(pdf, orig);
    qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                 "cairo's PDF is not as expected: cannot make it PDF/X-4");
done:
    free(pages);
    free(u.objs);
    qr_pdf_file_free(&f);
    free(copy);
    return rc;
}
