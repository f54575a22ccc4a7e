/* cover.c: the printed cover (see cover.h). */
#include <cairo-pdf.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../typeset/fonts.h"
#include "cover.h"
#include "pdfdraw.h"
#include "pdfx.h"

/* Text stays this far inside the trim: twice what the services ask
 * (0.25 in), so a cut that wanders never reaches a letter. */
#define S_SAFE (0.5 * QR_IN)

int qr_paper_parse(const char *name)
{
    if (strcmp(name, "white") == 0)
        return QR_PAPER_WHITE;
    if (strcmp(name, "cream") == 0)
        return QR_PAPER_CREAM;
    if (strcmp(name, "colour") == 0 || strcmp(name, "color") == 0)
        return QR_PAPER_COLOUR;
    return -1;
}

double qr_cover_spine(int pages, qr_paper paper)
{
    static const double per_page[] = {0.002252, 0.0025, 0.002347}; /* inches */
    return pages * per_page[paper] * QR_IN;
}

void qr_cover_geometry(double trim_w, double trim_h, int pages, qr_paper paper,
                       qr_cover_box *out)
{
    memset(out, 0, sizeof *out);
    out->spine = qr_cover_spine(pages, paper);
    out->w = 2 * QR_BLEED + 2 * trim_w + out->spine;
    out->h = trim_h + 2 * QR_BLEED;
    out->back_x = QR_BLEED;
    out->spine_x = QR_BLEED + trim_w;
    out->front_x = QR_BLEED + trim_w + out->spine;
    /* KDP: no spine text under 100 pages; and at least 0.25 in of spine */
    out->spine_text = pages >= 100 && out->spine >= 0.25 * QR_IN;
    /* the barcode: 2 x 1.2 in at the back's lower right, 0.25 in inside
     * its trim (the safe area is 0.125 in) */
    out->isbn_w = 2.0 * QR_IN;
    out->isbn_h = 1.2 * QR_IN;
    out->isbn_x = out->spine_x - 0.25 * QR_IN - out->isbn_w;
    out->isbn_y = QR_BLEED + trim_h - 0.25 * QR_IN - out->isbn_h;
}

/* Text set centred (or left-aligned) in a box `w` wide whose top is at y;
 * returns the height it took. */
static double S_text(cairo_t *cr, PangoContext *ctx, PangoFontDescription *d, const char *text,
                     double x, double y, double w, PangoAlignment align)
{
    PangoLayout *l = pango_layout_new(ctx);
    pango_layout_set_font_description(l, d);
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD);
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, text, -1);
    int lw, lh;
    pango_layout_get_size(l, &lw, &lh);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return (double)lh / PANGO_SCALE;
}

/* The front from the cover image: it covers the front and its bleed
 * (centred, the overflow cut), in the output grey. */
static int S_front_image(cairo_t *cr, const qr_meta *m, const qr_cover_box *g, qr_error *err)
{
    cairo_surface_t *img = qr_pdf_print_image(m->cover_data, m->cover_len, m->cover_type,
                                              m->cover_width, m->cover_height, "cover image", err);
    if (!img)
        return -1;
    double x0 = g->front_x, fw = g->w - x0, fh = g->h;
    double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    double sc = fw / w > fh / h ? fw / w : fh / h;
    /* its resolution where it is printed */
    double dpi = 72.0 / sc;
    if (dpi < 300)
        qr_warn(NULL, 0, 0, "the cover image is %.0f dpi on the printed cover (%.0f x %.0f px "
                            "for %.2f x %.2f in); print services ask for 300",
                dpi, w, h, fw / QR_IN, fh / QR_IN);
    cairo_save(cr);
    cairo_rectangle(cr, x0, 0, fw, fh);
    cairo_clip(cr);
    cairo_translate(cr, x0 + (fw - w * sc) / 2, (fh - h * sc) / 2);
    cairo_scale(cr, sc, sc);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    return 0;
}

int qr_cover_write(const qr_doc *doc, const qr_print_options *opt, int pages, qr_paper paper,
                   time_t date, qr_buf *out, qr_error *err)
{
    const qr_meta *m = qr_doc_meta_const(doc);
    qr_cover_box g;
    qr_cover_geometry(opt->page_w, opt->page_h, pages, paper, &g);
    qr_fonts *fonts = qr_fonts_new(opt, m->language ? m->language : "en", err);
    if (!fonts)
        return -1;
    PangoContext *ctx = qr_fonts_context(fonts);
    size_t start = out->len;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(qr_pdf_buf_write, out, g.w, g.h);
    cairo_pdf_surface_restrict_to_version(s, CAIRO_PDF_VERSION_1_5);
    char when[32];
    struct tm tm;
    gmtime_r(&date, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const char *title = m->title ? m->title : "Untitled";
    qr_buf authors = QR_BUF_INIT, line = QR_BUF_INIT;
    qr_meta_authors(m, &authors);
    qr_buf_addf(&line, "%s: cover", title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, line.ptr);
    if (authors.len)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, authors.ptr);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, when);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, when);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0, 0, 0);
    int rc = 0;
    double body = opt->font_size;

    /* the front */
    double fx = g.front_x + S_SAFE, fw = opt->page_w - 2 * S_SAFE;
    if (m->cover_data && m->cover_type) {
        rc = S_front_image(cr, m, &g, err);
    } else {
        double ts = opt->page_w / 14, y = QR_BLEED + opt->page_h * 0.22;
        PangoFontDescription *d = pango_font_description_copy(qr_fonts_desc(fonts, 0, ts));
        y += S_text(cr, ctx, d, title, fx, y, fw, PANGO_ALIGN_CENTER);
        if (m->subtitle) {
            pango_font_description_free(d);
            d = pango_font_description_copy(qr_fonts_desc(fonts, QR_FACE_ITALIC, ts * 0.55));
            S_text(cr, ctx, d, m->subtitle, fx, y + ts * 0.5, fw, PANGO_ALIGN_CENTER);
        }
        if (authors.len) {
            pango_font_description_free(d);
            d = pango_font_description_copy(qr_fonts_desc(fonts, 0, ts * 0.6));
            S_text(cr, ctx, d, authors.ptr, fx, QR_BLEED + opt->page_h * 0.72, fw,
                   PANGO_ALIGN_CENTER);
        }
        pango_font_description_free(d);
    }

    /* the spine: title and author, reading top to bottom */
    if (g.spine_text) {
        double size = g.spine * 0.45 < 14 ? g.spine * 0.45 : 14;
        qr_buf_reset(&line);
        qr_buf_adds(&line, title);
        if (authors.len)
            qr_buf_addf(&line, "   %s", authors.ptr);
        PangoLayout *l = pango_layout_new(ctx);
        pango_layout_set_font_description(l, qr_fonts_desc(fonts, 0, size));
        pango_layout_set_width(l, (int)((opt->page_h - 2 * S_SAFE) * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
        pango_layout_set_alignment(l, PANGO_ALIGN_CENTER);
        pango_layout_set_text(l, line.ptr, -1);
        int lw, lh;
        pango_layout_get_size(l, &lw, &lh);
        cairo_save(cr);
        cairo_translate(cr, g.spine_x + g.spine / 2, QR_BLEED + S_SAFE);
        cairo_rotate(cr, M_PI / 2);
        cairo_move_to(cr, 0, -(double)lh / PANGO_SCALE / 2);
        pango_cairo_show_layout(cr, l);
        cairo_restore(cr);
        g_object_unref(l);
    }

    /* the back: the description, and the barcode's box */
    if (m->description) {
        PangoFontDescription *d = qr_fonts_desc(fonts, 0, body * 1.1);
        S_text(cr, ctx, d, m->description, g.back_x + S_SAFE, QR_BLEED + S_SAFE, fw,
               PANGO_ALIGN_LEFT);
    }
    if (m->isbn) {
        cairo_save(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, g.isbn_x, g.isbn_y, g.isbn_w, g.isbn_h);
        cairo_fill(cr);
        cairo_restore(cr);
    }
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    qr_buf_release(&line);
    qr_fonts_free(fonts);
    if (rc == 0 && st != CAIRO_STATUS_SUCCESS)
        rc = qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "cairo failed writing the cover: %s",
                          cairo_status_to_string(st));
    if (rc == 0) {
        /* the PDF/X update reads the cover's own file */
        qr_buf one = QR_BUF_INIT;
        qr_buf_add(&one, out->ptr + start, out->len - start);
        qr_pdfx x = {QR_BLEED, m, date};
        rc = qr_pdfx_convert(&one, &x, err);
        if (rc == 0) {
            qr_buf_truncate(out, start);
            qr_buf_add(out, one.ptr, one.len);
        }
        qr_buf_release(&one);
    }
    qr_buf_release(&authors);
    return rc;
}
