/* pdftext.c: text drawn as glyphs with their text and clusters (a line's
 * runs batched into one cairo_show_text_glyphs). */
#include <cairo-pdf.h>
#include <math.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdraw.h"

cairo_status_t qr_pdf_buf_write(void *closure, const unsigned char *data, unsigned int length)
{
    qr_buf_add(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Draws glyphs [g0, g1) of a shape at the current point, with their text. */
void qr_pdf_show_run(cairo_t *cr, const qr_run *r, int *clusters, size_t cap)
{
    const qr_shape *s = r->shape;
    int n = r->g1 - r->g0;
    if (n <= 0 || (size_t)n > cap)
        return;
    PangoGlyphString gs = *s->glyphs;
    gs.glyphs = s->glyphs->glyphs + r->g0;
    gs.num_glyphs = n;
    for (int i = 0; i < n; i++)
        clusters[i] = s->glyphs->log_clusters[r->g0 + i] - r->b0;
    gs.log_clusters = clusters;
    PangoItem item;
    memset(&item, 0, sizeof item);
    item.offset = 0;
    item.length = r->b1 - r->b0;
    item.num_chars = (int)g_utf8_strlen(s->text + r->b0, item.length);
    item.analysis.font = s->font;
    PangoGlyphItem gi = {&item, &gs, 0, 0, 0};
    cairo_save(cr); /* font expansion: the run drawn wider or narrower from its start */
    cairo_translate(cr, r->x, r->y);
    cairo_scale(cr, 1 + r->expand, 1);
    cairo_move_to(cr, 0, 0);
    pango_cairo_show_glyph_item(cr, s->text + r->b0, &gi);
    cairo_restore(cr);
}

static void S_batch_glyph(batch *bt, unsigned long index, double x, double y)
{
    if (bt->n_glyphs == bt->cap_glyphs) {
        bt->cap_glyphs = bt->cap_glyphs ? bt->cap_glyphs * 2 : 256;
        bt->glyphs = xrealloc(bt->glyphs, bt->cap_glyphs * sizeof *bt->glyphs);
    }
    bt->glyphs[bt->n_glyphs].index = index;
    bt->glyphs[bt->n_glyphs].x = x;
    bt->glyphs[bt->n_glyphs].y = y;
    bt->n_glyphs++;
}

static void S_batch_cluster(batch *bt, int bytes, int glyphs)
{
    if (bt->join) {
        /* the space before it, in a gap too narrow to read (see below) */
        bt->clusters[bt->n_clusters - 1].num_bytes += bytes;
        bt->clusters[bt->n_clusters - 1].num_glyphs += glyphs;
        bt->join = 0;
        return;
    }
    if (bt->n_clusters == bt->cap_clusters) {
        bt->cap_clusters = bt->cap_clusters ? bt->cap_clusters * 2 : 256;
        bt->clusters = xrealloc(bt->clusters, bt->cap_clusters * sizeof *bt->clusters);
    }
    bt->clusters[bt->n_clusters].num_bytes = bytes;
    bt->clusters[bt->n_clusters].num_glyphs = glyphs;
    bt->n_clusters++;
}

/*
 * The glyph that stands for a word space in a gap: the font's own space
 * where it fits (or where `any`), else the widest of its thin, hair and
 * zero-width spaces that does; 0 when the font has none. *w gets its
 * advance.
 */
static hb_codepoint_t S_space_glyph(PangoFont *font, double sx, double gap, int any, double *w)
{
    static const hb_codepoint_t spaces[] = {0x0020, 0x2009, 0x200A, 0x200B};
    hb_font_t *hb = pango_font_get_hb_font(font);
    for (size_t i = 0; hb && i < QR_ARRAY_LEN(spaces); i++) {
        hb_codepoint_t g;
        if (!hb_font_get_nominal_glyph(hb, spaces[i], &g))
            continue;
        PangoRectangle logical;
        pango_font_get_glyph_extents(font, g, NULL, &logical);
        *w = sx * logical.width / PANGO_SCALE; /* drawn sx wide (font expansion) */
        if (!any && *w > gap + 0.01 && i + 1 < QR_ARRAY_LEN(spaces))
            continue;
        return g;
    }
    return 0;
}

/* The hyphen of a word broken at a line's end: the text U+00AD, so that
 * copying and search give the word whole, drawn with the font's own glyph
 * for it where it has one as wide as its hyphen (the glyph's ToUnicode
 * entry is then U+00AD; the hyphen's glyph would need an ActualText span).
 * Returns 0 for a run that is not one glyph. */
static int S_batch_soft_hyphen(batch *bt, const qr_run *r)
{
    const PangoGlyphInfo *gi = &r->shape->glyphs->glyphs[r->g0];
    if (r->g1 - r->g0 != 1 || gi->glyph == PANGO_GLYPH_EMPTY ||
        (gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG))
        return 0;
    PangoFont *font = r->shape->font;
    hb_font_t *hb = pango_font_get_hb_font(font);
    hb_codepoint_t g = gi->glyph, shy;
    if (hb && hb_font_get_nominal_glyph(hb, 0x00AD, &shy)) {
        PangoRectangle logical;
        pango_font_get_glyph_extents(font, shy, NULL, &logical);
        if (logical.width == gi->geometry.width)
            g = shy;
    }
    qr_buf_adds(&bt->text, "\xC2\xAD");
    double sx = 1 + r->expand;
    S_batch_glyph(bt, g, r->x + sx * gi->geometry.x_offset / PANGO_SCALE,
                  r->y + (double)gi->geometry.y_offset / PANGO_SCALE);
    S_batch_cluster(bt, 2, 1);
    bt->x_end = r->x + sx * gi->geometry.width / PANGO_SCALE;
    bt->y_end = r->y;
    return 1;
}

/* Adds one left-to-right run: its glyphs from x, its text and clusters. */
void qr_pdf_batch_run(batch *bt, const qr_run *r)
{
    const qr_shape *s = r->shape;
    const PangoGlyphInfo *gi = s->glyphs->glyphs;
    const int *lc = s->glyphs->log_clusters;
    double x = r->x, sx = 1 + r->expand; /* font expansion scales the advances */
    bt->expand = r->expand;
    if (r->soft_hyphen && S_batch_soft_hyphen(bt, r))
        return;
    qr_buf_add(&bt->text, s->text + r->b0, (size_t)(r->b1 - r->b0));
    for (int g = r->g0; g < r->g1;) {
        /* a cluster: the glyphs that share a text position */
        int end = g + 1;
        while (end < r->g1 && lc[end] == lc[g])
            end++;
        int next_byte = end < r->g1 ? lc[end] : r->b1;
        int drawn = 0;
        for (int k = g; k < end; k++) {
            PangoGlyph glyph = gi[k].glyph;
            double gx = x + sx * gi[k].geometry.x_offset / PANGO_SCALE;
            double gy = r->y + (double)gi[k].geometry.y_offset / PANGO_SCALE;
            if (glyph != PANGO_GLYPH_EMPTY) {
                /* a character no font has: the font's .notdef box */
                S_batch_glyph(bt, glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : glyph, gx, gy);
                drawn++;
            }
            x += sx * gi[k].geometry.width / PANGO_SCALE;
        }
        S_batch_cluster(bt, next_byte - lc[g], drawn);
        g = end;
    }
    if (r->space_after) {
        /* the word space a line ends with, for the tagged text and
         * copying across lines: a space of no width */
        double w = 0;
        hb_codepoint_t sp = S_space_glyph(s->font, sx, 0, 0, &w);
        qr_buf_addc(&bt->text, ' ');
        if (sp && w < 0.01)
            S_batch_glyph(bt, sp, x, r->y);
        S_batch_cluster(bt, 1, sp && w < 0.01);
    }
    bt->x_end = x;
    bt->y_end = r->y;
}

/*
 * The word space before run r: a glyph standing for U+0020 in the gap
 * between the last run drawn on its line and r, in r's font, drawn with
 * the text " " (so the glyph's ToUnicode entry is the space), never wider
 * than the gap and centred in it, so that no extractor sees it overlap the
 * next word (a space glyph overlapping the next letter reads as no space
 * to poppler and MuPDF: the words merge).
 *
 * Extractors that find word breaks by gaps alone (poppler's raw order)
 * drop a space glyph and look at the gap, which must be wider than
 * 0.15 em: a line shrunk towards TeX's limit of a third of the space has
 * narrower ones. In a gap that narrow the space joins the cluster of the
 * letter before it (or of the letter after it, first in a new font), with
 * the font's own space glyph, so that the cluster's text holds the space
 * itself: cairo writes such a cluster as an ActualText span, which
 * poppler and MuPDF read in place of its glyphs, and pdfminer, which does
 * not, reads the space glyph's U+0020. The glyph is drawn over the letter
 * (ending where it ends, or starting where the next word starts), so that
 * the span's box does not reach into the gap: poppler would take a word
 * box that touches the next word for part of it.
 */
#define QR_GAP_READ_EM 0.16
void qr_pdf_batch_space(batch *bt, const qr_run *r)
{
    if (!r->space_before || bt->y_end != r->y || r->x < bt->x_end - 0.01)
        return;
    PangoFont *font = r->shape->font;
    cairo_matrix_t m;
    cairo_scaled_font_get_font_matrix(pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)), &m);
    double gap = r->x - bt->x_end, w = 0;
    int narrow = gap < QR_GAP_READ_EM * m.yy;
    hb_codepoint_t g = S_space_glyph(font, 1 + r->expand, gap, narrow, &w);
    qr_buf_addc(&bt->text, ' ');
    double x = bt->x_end + (gap > w ? (gap - w) / 2 : 0);
    if (narrow) /* inside the letter's cluster, over it */
        x = bt->n_clusters > 0 ? bt->x_end - w : r->x;
    if (g)
        S_batch_glyph(bt, g, x, r->y);
    if (narrow && bt->n_clusters > 0) {
        bt->clusters[bt->n_clusters - 1].num_bytes++;
        bt->clusters[bt->n_clusters - 1].num_glyphs += g != 0;
        return;
    }
    S_batch_cluster(bt, 1, g != 0);
    bt->join = narrow;
}

void qr_pdf_batch_after(batch *bt, const qr_run *r)
{
    double x = r->x;
    for (int g = r->g0; g < r->g1; g++)
        x += (1 + r->expand) * r->shape->glyphs->glyphs[g].geometry.width / PANGO_SCALE;
    bt->x_end = x;
    bt->y_end = r->y;
}

void qr_pdf_batch_flush(cairo_t *cr, batch *bt, PangoFont *font)
{
    if (bt->n_glyphs > 0 || bt->text.len > 0) {
        cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)), *ex;
        cairo_matrix_t fm, ctm, wide;
        cairo_font_options_t *fo = cairo_font_options_create();
        /* font expansion: the font's matrix scaled in x (the same embedded
         * font; the PDF's text matrix carries the scale) */
        cairo_scaled_font_get_font_matrix(sf, &fm);
        cairo_scaled_font_get_ctm(sf, &ctm);
        cairo_scaled_font_get_font_options(sf, fo);
        cairo_matrix_init_scale(&wide, 1 + bt->expand, 1);
        cairo_matrix_multiply(&fm, &fm, &wide);
        ex = cairo_scaled_font_create(cairo_scaled_font_get_font_face(sf), &fm, &ctm, fo);
        cairo_set_scaled_font(cr, ex);
        cairo_show_text_glyphs(cr, bt->text.ptr, (int)bt->text.len, bt->glyphs, (int)bt->n_glyphs,
                               bt->clusters, (int)bt->n_clusters, 0);
        cairo_scaled_font_destroy(ex);
        cairo_font_options_destroy(fo);
    }
    bt->n_glyphs = 0;
    bt->n_clusters = 0;
    bt->join = 0;
    qr_buf_reset(&bt->text);
}

/* A link's attributes for cairo_tag_begin: uri='...' with ' and \
 * escaped (cairo's attribute syntax). */
void qr_pdf_uri_attr(qr_buf *out, const char *uri)
{
    qr_buf_reset(out);
    qr_buf_adds(out, "uri='");
    for (const char *c = uri; *c; c++) {
        if (*c == '\'' || *c == '\\')
            qr_buf_addc(out, '\\');
        qr_buf_addc(out, *c);
    }
    qr_buf_addc(out, '\'');
}
