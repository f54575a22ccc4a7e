/* pdfupdate.c: the incremental update appended to cairo's PDF. */
#include <cairo-pdf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdraw.h"
#include "pdfobj.h"

/* The document after cairo ------------------------------------------------
 *
 * What cairo 1.16 cannot say goes in an incremental update (ISO 32000-1
 * §7.5.6) appended to its file: the catalog again with the document's
 * language (/Lang) and /ViewerPreferences << /DisplayDocTitle true >> (a
 * viewer shows the title, not the file name), and each Figure element
 * again with its alternative text (/Alt): cairo accepts no attributes on
 * structure tags. cairo numbers the elements as their tags begin, so the
 * Figures in object order are the figures in the order drawn. */

/* The first `needle` in [p, p + len), or NULL. */
static const char *S_find(const char *p, size_t len, const char *needle, size_t n)
{
    for (const char *end = p + len; (size_t)(end - p) >= n; p++) {
        p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, n) == 0)
            return p;
    }
    return NULL;
}

/* Object `num`'s dictionary in cairo's file: [*inner, *inner_end) between
 * its outer << and >>. Returns 0, or -1 when it is not one. */
static int S_object_dict(const qr_buf *pdf, size_t off, const char **inner, const char **inner_end)
{
    if (off >= pdf->len)
        return -1;
    const char *p = pdf->ptr + off, *end = pdf->ptr + pdf->len;
    const char *obj = S_find(p, (size_t)(end - p) < 64 ? (size_t)(end - p) : 64, "obj", 3);
    if (!obj)
        return -1;
    const char *open = obj + 3;
    while (open < end && (*open == ' ' || *open == '\r' || *open == '\n'))
        open++;
    if (end - open < 2 || open[0] != '<' || open[1] != '<')
        return -1;
    const char *eo = S_find(open, (size_t)(end - open), "endobj", 6);
    if (!eo)
        return -1;
    const char *close = eo;
    while (close > open + 2 && !(close[-1] == '>' && close[-2] == '>'))
        close--;
    if (close <= open + 2)
        return -1;
    *inner = open + 2;
    *inner_end = close - 2;
    return 0;
}

/* Whether a dictionary's text has `key` as a key ("/S /Figure" style
 * values included: the key and the value given). */
static int S_dict_has(const char *inner, const char *inner_end, const char *what)
{
    size_t n = strlen(what);
    for (const char *p = inner; p + n <= inner_end; p++) {
        p = S_find(p, (size_t)(inner_end - p), what, n);
        if (!p)
            return 0;
        char after = p + n < inner_end ? p[n] : ' ';
        if (after == ' ' || after == '\n' || after == '\r' || after == '/' || after == '>' ||
            after == '<' || after == '[' || after == '(')
            return 1;
    }
    return 0;
}

static unsigned long S_trailer_ref(const char *trailer, const char *key)
{
    const char *k = strstr(trailer, key);
    return k ? strtoul(k + strlen(key), NULL, 10) : 0;
}

/* Appends the update to cairo's file in out (see above). */
int qr_pdf_update(qr_buf *out, const char *lang, const qr_buf *alts, size_t n_alts, qr_error *err)
{
    /* cairo's cross-reference table and trailer */
    const char *sx = NULL;
    for (size_t i = out->len >= 9 ? out->len - 9 : 0; i > 0 && !sx; i--)
        if (memcmp(out->ptr + i, "startxref", 9) == 0)
            sx = out->ptr + i;
    if (!sx)
        goto bad;
    size_t xref = strtoull(sx + 9, NULL, 10);
    if (xref + 5 > out->len || memcmp(out->ptr + xref, "xref", 4) != 0)
        goto bad;
    char *e;
    const char *q = out->ptr + xref + 4;
    unsigned long first = strtoul(q, &e, 10), count = strtoul(e, &e, 10);
    while (*e == ' ' || *e == '\r' || *e == '\n')
        e++;
    const char *table = e;
    if (first != 0 || count == 0 || table + 20 * count > out->ptr + out->len)
        goto bad;
    char *trailer = strndup(table + 20 * count, (size_t)(sx - (table + 20 * count)));
    unsigned long root = S_trailer_ref(trailer, "/Root"), info = S_trailer_ref(trailer, "/Info");
    /* a file identifier, kept (ISO 32000-1 §14.4: an update keeps the first) */
    char id[256] = "";
    const char *idp = strstr(trailer, "/ID");
    const char *ide = idp ? strchr(idp, ']') : NULL;
    if (ide && (size_t)(ide + 1 - idp) < sizeof id)
        snprintf(id, sizeof id, "%.*s", (int)(ide + 1 - idp), idp);
    free(trailer);
    if (root == 0 || root >= count || (idp && !id[0]))
        goto bad;

    qr_buf upd = QR_BUF_INIT;
    unsigned long *nums = xmalloc((n_alts + 1) * sizeof *nums);
    size_t *offs = xmalloc((n_alts + 1) * sizeof *offs);
    size_t n_new = 0;
    const char *alt = alts->ptr;
    size_t figures = 0;
    for (unsigned long num = 1; num < count; num++) {
        const char *ent = table + 20 * num;
        if (ent[17] != 'n')
            continue;
        size_t off = strtoull(ent, NULL, 10);
        const char *in, *in_end;
        if (num == root) {
            if (S_object_dict(out, off, &in, &in_end) < 0)
                goto bad_free;
            nums[n_new] = num;
            offs[n_new++] = out->len + upd.len;
            qr_buf_addf(&upd, "%lu 0 obj\n<<", num);
            qr_buf_add(&upd, in, (size_t)(in_end - in));
            if (!S_dict_has(in, in_end, "/Lang"))
                qr_buf_addf(&upd, "   /Lang (%s)\n", lang);
            if (!S_dict_has(in, in_end, "/MarkInfo"))
                qr_buf_adds(&upd, "   /MarkInfo << /Marked true >>\n");
            if (!S_dict_has(in, in_end, "/ViewerPreferences"))
                qr_buf_adds(&upd, "   /ViewerPreferences << /DisplayDocTitle true >>\n");
            qr_buf_adds(&upd, ">>\nendobj\n");
            continue;
        }
        if (figures >= n_alts || S_object_dict(out, off, &in, &in_end) < 0 ||
            !S_dict_has(in, in_end, "/StructElem") || !S_dict_has(in, in_end, "/S /Figure"))
            continue;
        size_t alen = strlen(alt);
        figures++;
        if (alen > 0 && !S_dict_has(in, in_end, "/Alt")) {
            nums[n_new] = num;
            offs[n_new++] = out->len + upd.len;
            qr_buf_addf(&upd, "%lu 0 obj\n<<", num);
            qr_buf_add(&upd, in, (size_t)(in_end - in));
            qr_buf_adds(&upd, "   /Alt ");
            qr_pdf_text_string(&upd, alt, alen);
            qr_buf_adds(&upd, "\n>>\nendobj\n");
        }
        alt += alen + 1;
    }
    if (figures != n_alts) {
        free(nums);
        free(offs);
        qr_buf_release(&upd);
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                            "the PDF has %zu figure elements for %zu figures", figures, n_alts);
    }
    size_t start = out->len + upd.len;
    qr_buf_adds(&upd, "xref\n");
    for (size_t i = 0; i < n_new; i++) /* in object order, as made */
        qr_buf_addf(&upd, "%lu 1\n%010zu 00000 n \n", nums[i], offs[i]);
    qr_buf_addf(&upd, "trailer\n<< /Size %lu\n   /Root %lu 0 R\n", count, root);
    if (info)
        qr_buf_addf(&upd, "   /Info %lu 0 R\n", info);
    if (id[0])
        qr_buf_addf(&upd, "   %s\n", id);
    qr_buf_addf(&upd, "   /Prev %zu\n>>\nstartxref\n%zu\n%%%%EOF\n", xref, start);
    qr_buf_add(out, upd.ptr, upd.len);
    qr_buf_release(&upd);
    free(nums);
    free(offs);
    return 0;
bad_free:
    free(nums);
    free(offs);
    qr_buf_release(&upd);
bad:
    return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0,
                        "cairo's PDF is not as expected: cannot add its language and alt texts");
}
