/* pdf.c: the PDF edition through cairo's PDF surface. Text is drawn as
 * Pango glyph items, never with cairo's toy text API: each run carries its
 * text and clusters, so copying from the PDF gives the words back,
 * ligatures included. Its steps: text and glyphs (pdftext.c), images
 * (pdfimage.c), the structure tree (pdftag.c), pages and the document
 * (here), the incremental update after cairo (pdfupdate.c). */
#include <cairo-pdf.h>
#include <math.h>
#include <hb.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdfdraw.h"
#include "pdfx.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif

/* Draws one rule, image or continuation mark. */
static int S_draw_graphic(cairo_t *cr, const qr_graphic *g, int print, qr_error *err)
{
    switch (g->kind) {
    case QR_GFX_RULE:
        cairo_rectangle(cr, g->x, g->y - g->h / 2, g->w, g->h);
        cairo_fill(cr);
        break;
    case QR_GFX_IMAGE: {
        const qr_image *im = g->image;
        const char *what = im->name ? im->name : "image";
        cairo_surface_t *img =
            print ? qr_pdf_print_image(im->data, im->len, im->type, im->width, im->height, what, err)
                  : qr_pdf_image_surface(im->data, im->len, im->type, im->width, im->height, what,
                                         err);
        if (!img)
            return -1;
        double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
        /* a print service asks for 300 dpi where the image is printed */
        double dpi = iw / (g->w / QR_IN);
        if (print && dpi < 299.5)
            qr_warn(what, 0, 0, "%.0f dpi where it is printed (%.0f px for %.2f in); print "
                                "services ask for 300", dpi, iw, g->w / QR_IN);
        cairo_save(cr);
        cairo_rectangle(cr, g->x, g->y, g->w, g->h);
        cairo_clip(cr);
        cairo_translate(cr, g->x, g->y);
        cairo_scale(cr, g->w / iw, g->h / ih);
        cairo_set_source_surface(cr, img, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        cairo_surface_destroy(img);
        break;
    }
    case QR_GFX_CONT:
        /* a hooked arrow: down, then right to the text */
        cairo_save(cr);
        cairo_set_line_width(cr, 0.5);
        cairo_move_to(cr, g->x, g->y);
        cairo_line_to(cr, g->x, g->y + g->h * 0.7);
        cairo_line_to(cr, g->x + g->w, g->y + g->h * 0.7);
        cairo_stroke(cr);
        cairo_move_to(cr, g->x + g->w, g->y + g->h * 0.7);
        cairo_line_to(cr, g->x + g->w - g->h * 0.3, g->y + g->h * 0.5);
        cairo_line_to(cr, g->x + g->w - g->h * 0.3, g->y + g->h * 0.9);
        cairo_close_path(cr);
        cairo_fill(cr);
        cairo_restore(cr);
        break;
    }
    return 0;
}

/* Draws one run by itself (right-to-left text). */
static void S_show_alone(cairo_t *cr, const qr_run *r, int **clusters, size_t *cap)
{
    if ((size_t)(r->g1 - r->g0) > *cap) {
        *cap = (size_t)(r->g1 - r->g0);
        *clusters = xrealloc(*clusters, *cap * sizeof **clusters);
    }
    qr_pdf_show_run(cr, r, *clusters, *cap);
}

/*
 * Draws a page: its text and figures in document order inside their
 * structure elements, then (the elements holding content closed) its
 * artifacts: running head, folio, rules, marks. Text is drawn a line and
 * a font at a time where it can be (see batch).
 */
static int S_draw_page(qr_tagger *t, const qr_page *p, size_t pi, batch *bt, int **clusters,
                       size_t *cap, int print, qr_error *err)
{
    cairo_t *cr = t->cr;
    size_t n = qr_tag_page_items(t, p);
    qr_tag_path path;
    PangoFont *font = NULL;
    double y = 0;
    int rc = 0;
    bt->y_end = NAN; /* no run drawn on this page yet */
    for (size_t i = 0; i < n; i++) {
        const qr_tag_item *it = &t->items[i];
        qr_tag_item_path(t, it, pi, &path);
        if (!qr_tag_is_open(t, &path)) {
            if (font)
                qr_pdf_batch_flush(cr, bt, font);
            font = NULL;
            qr_tag_sync(t, &path);
        }
        if (it->gfx) {
            if (rc == 0)
                rc = S_draw_graphic(cr, it->gfx, print, err);
            continue;
        }
        const qr_run *r = it->run;
        if (font && (font != r->shape->font || y != r->y || bt->expand != r->expand)) {
            qr_pdf_batch_flush(cr, bt, font);
            font = NULL;
        }
        qr_pdf_batch_space(bt, r);
        if (r->shape->rtl) {
            qr_pdf_batch_flush(cr, bt, r->shape->font);
            font = NULL;
            S_show_alone(cr, r, clusters, cap);
            qr_pdf_batch_after(bt, r);
            continue;
        }
        qr_pdf_batch_run(bt, r);
        font = r->shape->font;
        y = r->y;
    }
    if (font)
        qr_pdf_batch_flush(cr, bt, font);
    qr_tag_close_leaves(t);
    /* the artifacts */
    font = NULL;
    bt->y_end = NAN;
    for (size_t i = 0; i < p->n_runs; i++) {
        const qr_run *r = &p->runs[i];
        if (!r->artifact)
            continue;
        if (font && (font != r->shape->font || y != r->y || r->shape->rtl)) {
            qr_pdf_batch_flush(cr, bt, font);
            font = NULL;
        }
        qr_pdf_batch_space(bt, r);
        if (r->shape->rtl) {
            qr_pdf_batch_flush(cr, bt, r->shape->font);
            S_show_alone(cr, r, clusters, cap);
            qr_pdf_batch_after(bt, r);
            continue;
        }
        qr_pdf_batch_run(bt, r);
        font = r->shape->font;
        y = r->y;
    }
    if (font)
        qr_pdf_batch_flush(cr, bt, font);
    for (size_t i = 0; i < p->n_gfx; i++)
        if ((p->gfx[i].kind != QR_GFX_IMAGE || !p->gfx[i].node) && rc == 0)
            rc = S_draw_graphic(cr, &p->gfx[i], print, err);
    return rc;
}

/* The cover on a page of its own, scaled to fill the page (centred, the
 * overflow cut), then a blank page behind it so the book's first page
 * stays a recto. */
static void S_draw_cover(cairo_t *cr, cairo_surface_t *img, double pw, double ph)
{
    double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    double sc = pw / w > ph / h ? pw / w : ph / h;
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, pw, ph);
    cairo_clip(cr);
    cairo_translate(cr, (pw - w * sc) / 2, (ph - h * sc) / 2);
    cairo_scale(cr, sc, sc);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_show_page(cr);
    cairo_show_page(cr);
}

/* "2021-01-02T03:04:05Z" */
static void S_iso_date(time_t t, char *out, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The book's language for /Lang: a BCP 47 tag's characters, else "en". */
static const char *S_lang(const char *lang)
{
    if (!lang || !*lang || strlen(lang) > 35)
        return "en";
    for (const char *c = lang; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-'))
            return "en";
    return lang;
}

/* print: the interior for a print service (see pdf.h). */
static int S_write(const qr_layout *lay, const qr_doc *doc, time_t date, int print, qr_buf *out,
                   qr_error *err)
{
    const qr_meta *m = qr_doc_meta_const(doc);
    cairo_surface_t *cover = NULL;
    if (!print && m->cover_data && m->cover_type && !(cover = qr_pdf_cover_surface(m, err)))
        return -1;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(qr_pdf_buf_write, out, lay->page_w, lay->page_h);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        if (cover)
            cairo_surface_destroy(cover);
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "cairo cannot make a PDF: %s",
                            cairo_status_to_string(cairo_surface_status(surface)));
    }
    cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
    char when[32];
    S_iso_date(date, when, sizeof when);
    if (m->title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, m->title);
    if (m->n_creators > 0) {
        qr_buf authors = QR_BUF_INIT;
        qr_meta_authors(m, &authors);
        if (authors.len)
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, authors.ptr);
        qr_buf_release(&authors);
    }
    if (m->description)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, m->description);
    if (m->n_subjects > 0) {
        qr_buf keywords = QR_BUF_INIT;
        for (int i = 0; i < m->n_subjects; i++) {
            if (keywords.len)
                qr_buf_adds(&keywords, ", ");
            qr_buf_adds(&keywords, m->subjects[i]);
        }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS, keywords.ptr);
        qr_buf_release(&keywords);
    }
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "quire " QUIRE_VERSION);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, when);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, when);

    cairo_t *cr = cairo_create(surface);
    if (cover) {
        S_draw_cover(cr, cover, lay->page_w, lay->page_h);
        cairo_surface_destroy(cover);
    }
    qr_tagger tg;
    qr_tag_tagger_init(&tg, cr, doc, lay);
    int gfx_rc = 0;
    size_t cap = 4096;
    int *clusters = xmalloc(cap * sizeof *clusters);
    batch bt;
    memset(&bt, 0, sizeof bt);
    qr_buf_init(&bt.text);
    for (size_t pi = 0; pi < lay->n_pages; pi++) {
        char dest[64];
        snprintf(dest, sizeof dest, "name='page%zu'", pi + 1);
        cairo_tag_begin(cr, CAIRO_TAG_DEST, dest);
        cairo_tag_end(cr, CAIRO_TAG_DEST);
        /* named destinations for the outline's entries on this page */
        for (size_t k = 0; k < lay->n_outline; k++) {
            if ((size_t)lay->outline[k].page != pi)
                continue;
            snprintf(dest, sizeof dest, "name='outline%zu' x=0 y=%.2f", k + 1,
                     lay->outline[k].y > 0 ? lay->outline[k].y : 0);
            cairo_tag_begin(cr, CAIRO_TAG_DEST, dest);
            cairo_tag_end(cr, CAIRO_TAG_DEST);
        }
        int rc = S_draw_page(&tg, &lay->pages[pi], pi, &bt, &clusters, &cap, print, err);
        if (gfx_rc == 0)
            gfx_rc = rc;
        cairo_show_page(cr);
    }
    qr_tag_close_to(&tg, 0);
    free(clusters);
    free(bt.glyphs);
    free(bt.clusters);
    qr_buf_release(&bt.text);

    /* The outline: parts, chapters and sections nested by level. */
    int parents[8] = {CAIRO_PDF_OUTLINE_ROOT};
    for (size_t i = 0; i < lay->n_outline; i++) {
        const qr_outline_item *o = &lay->outline[i];
        int level = o->level < 1 ? 1 : o->level > 7 ? 7 : o->level;
        int parent = parents[level - 1];
        for (int l = level - 1; l > 0 && !parent; l--)
            parent = parents[l - 1];
        char attrs[96];
        /* the named destination drawn with its page (see above) */
        snprintf(attrs, sizeof attrs, "dest='outline%zu'", i + 1);
        int id = cairo_pdf_surface_add_outline(surface, parent, o->title, attrs, 0);
        parents[level] = id;
        for (int l = level + 1; l < 8; l++)
            parents[l] = 0;
    }
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    int rc = 0;
    if (gfx_rc < 0)
        rc = -1;
    else if (st != CAIRO_STATUS_SUCCESS)
        rc = qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "cairo failed writing the PDF: %s",
                          cairo_status_to_string(st));
    else
        rc = qr_pdf_update(out, S_lang(m->language), &tg.alts, tg.n_alts, err);
    qr_tag_tagger_free(&tg);
    if (rc == 0 && print) {
        qr_pdfx x = {0, m, date};
        rc = qr_pdfx_convert(out, &x, err);
    }
    return rc;
}

int qr_pdf_write(const qr_layout *lay, const qr_doc *doc, time_t date, qr_buf *out, qr_error *err)
{
    return S_write(lay, doc, date, 0, out, err);
}

int qr_pdf_write_interior(const qr_layout *lay, const qr_doc *doc, time_t date, qr_buf *out,
                          qr_error *err)
{
    return S_write(lay, doc, date, 1, out, err);
}

void qr_trace_write(const qr_layout *lay, qr_buf *out)
{
    qr_buf_addf(out, "layout %.2f x %.2f pt, %zu pages\n", lay->page_w, lay->page_h, lay->n_pages);
    for (size_t i = 0; i < lay->n_outline; i++)
        qr_buf_addf(out, "outline %d page %d y %.2f \"%s\"\n", lay->outline[i].level,
                    lay->outline[i].page + 1, lay->outline[i].y, lay->outline[i].title);
    for (size_t pi = 0; pi < lay->n_pages; pi++) {
        const qr_page *p = &lay->pages[pi];
        qr_buf_addf(out, "page %zu folio \"%s\"\n", pi + 1, p->folio);
        for (size_t k = 0; k < p->n_runs; k++) {
            const qr_run *r = &p->runs[k];
            PangoFontDescription *d = pango_font_describe(r->shape->font);
            char *fd = pango_font_description_to_string(d);
            qr_buf_addf(out, "  %7.2f %7.2f %s \"%.*s\"%s", r->x, r->y, fd, r->b1 - r->b0,
                        r->shape->text + r->b0, r->artifact ? " artifact" : "");
            if (r->shape->features && strstr(r->shape->features, "smcp"))
                qr_buf_adds(out, " small-caps");
            if (r->expand != 0)
                qr_buf_addf(out, " expand %+.1f%%", 100 * r->expand);
            if (r->link_page)
                qr_buf_addf(out, " link %d", r->link_page);
            if (r->uri)
                qr_buf_addf(out, " uri %s", r->uri);
            qr_buf_addc(out, '\n');
            g_free(fd);
            pango_font_description_free(d);
        }
        static const char *const kinds[] = {"rule", "image", "continued"};
        for (size_t k = 0; k < p->n_gfx; k++) {
            const qr_graphic *g = &p->gfx[k];
            qr_buf_addf(out, "  %7.2f %7.2f %s %.2f x %.2f", g->x, g->y, kinds[g->kind], g->w,
                        g->h);
            if (g->image)
                qr_buf_addf(out, " %s", g->image->name ? g->image->name : "");
            qr_buf_addc(out, '\n');
        }
    }
}
