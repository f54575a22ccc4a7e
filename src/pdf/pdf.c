/* pdf.c: the PDF edition through cairo's PDF surface. Text is drawn as
 * Pango glyph items, never with cairo's toy text API: each run carries its
 * text and clusters, so copying from the PDF gives the words back,
 * ligatures included. */
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif

static cairo_status_t S_write(void *closure, const unsigned char *data, unsigned int length)
{
    qr_buf_add(closure, data, length);
    return CAIRO_STATUS_SUCCESS;
}

/* Draws glyphs [g0, g1) of a shape at the current point, with their text. */
static void S_show_run(cairo_t *cr, const qr_run *r, int *clusters, size_t cap)
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
    cairo_move_to(cr, r->x, r->y);
    pango_cairo_show_glyph_item(cr, s->text + r->b0, &gi);
}

/*
 * A line's runs of one font, drawn by one cairo_show_text_glyphs: glyphs
 * at their own positions, the words' text with a space between them, and
 * clusters tying the two (so text extraction and copying give the words
 * back, ligatures included). One call a line, not a word: cairo's PDF
 * surface tracks every drawing operation in a region, which grows costly.
 */
typedef struct batch {
    cairo_glyph_t *glyphs;
    size_t n_glyphs, cap_glyphs;
    cairo_text_cluster_t *clusters;
    size_t n_clusters, cap_clusters;
    qr_buf text;
} batch;

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
    if (bt->n_clusters == bt->cap_clusters) {
        bt->cap_clusters = bt->cap_clusters ? bt->cap_clusters * 2 : 256;
        bt->clusters = xrealloc(bt->clusters, bt->cap_clusters * sizeof *bt->clusters);
    }
    bt->clusters[bt->n_clusters].num_bytes = bytes;
    bt->clusters[bt->n_clusters].num_glyphs = glyphs;
    bt->n_clusters++;
}

/* Adds one left-to-right run: its glyphs from x, its text and clusters. */
static void S_batch_run(batch *bt, const qr_run *r)
{
    const qr_shape *s = r->shape;
    const PangoGlyphInfo *gi = s->glyphs->glyphs;
    const int *lc = s->glyphs->log_clusters;
    double x = r->x;
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
            double gx = x + (double)gi[k].geometry.x_offset / PANGO_SCALE;
            double gy = r->y + (double)gi[k].geometry.y_offset / PANGO_SCALE;
            if (glyph != PANGO_GLYPH_EMPTY) {
                /* a character no font has: the font's .notdef box */
                S_batch_glyph(bt, glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : glyph, gx, gy);
                drawn++;
            }
            x += (double)gi[k].geometry.width / PANGO_SCALE;
        }
        S_batch_cluster(bt, next_byte - lc[g], drawn);
        g = end;
    }
}

static void S_batch_flush(cairo_t *cr, batch *bt, PangoFont *font)
{
    if (bt->n_glyphs > 0 || bt->text.len > 0) {
        cairo_set_scaled_font(cr, pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font)));
        cairo_show_text_glyphs(cr, bt->text.ptr, (int)bt->text.len, bt->glyphs, (int)bt->n_glyphs,
                               bt->clusters, (int)bt->n_clusters, 0);
    }
    bt->n_glyphs = 0;
    bt->n_clusters = 0;
    qr_buf_reset(&bt->text);
}

/* A link's attributes for cairo_tag_begin: uri='...' with ' and \
 * escaped (cairo's attribute syntax). */
static void S_uri_attr(qr_buf *out, const char *uri)
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

/* Draws the runs of a page, a line and a font at a time. Runs of a web
 * link are drawn inside a link tag, a line's run of one link in one
 * (cairo makes the annotation from what the tag's drawing covers). */
static void S_draw_page(cairo_t *cr, const qr_page *p, batch *bt, int **clusters, size_t *cap)
{
    size_t i = 0;
    qr_buf attr = QR_BUF_INIT;
    while (i < p->n_runs) {
        const qr_run *r = &p->runs[i];
        if (r->uri) {
            S_uri_attr(&attr, r->uri);
            cairo_tag_begin(cr, CAIRO_TAG_LINK, attr.ptr);
            size_t j = i;
            for (; j < p->n_runs && p->runs[j].uri == r->uri && p->runs[j].y == r->y; j++) {
                size_t n = (size_t)(p->runs[j].g1 - p->runs[j].g0);
                if (n > *cap) {
                    *cap = n;
                    *clusters = xrealloc(*clusters, *cap * sizeof **clusters);
                }
                S_show_run(cr, &p->runs[j], *clusters, *cap);
            }
            cairo_tag_end(cr, CAIRO_TAG_LINK);
            i = j;
            continue;
        }
        if (r->shape->rtl || r->link_page > 0) {
            if ((size_t)(r->g1 - r->g0) > *cap) {
                *cap = (size_t)(r->g1 - r->g0);
                *clusters = xrealloc(*clusters, *cap * sizeof **clusters);
            }
            if (r->link_page > 0) {
                /* Named destinations: cairo 1.16 writes a broken
                 * cross-reference for "page=N" links to pages not yet drawn. */
                char attrs[96];
                snprintf(attrs, sizeof attrs, "dest='page%d'", r->link_page);
                cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
                S_show_run(cr, r, *clusters, *cap);
                cairo_tag_end(cr, CAIRO_TAG_LINK);
            } else {
                S_show_run(cr, r, *clusters, *cap);
            }
            i++;
            continue;
        }
        size_t j = i;
        while (j < p->n_runs && p->runs[j].shape->font == r->shape->font && p->runs[j].y == r->y &&
               !p->runs[j].shape->rtl && p->runs[j].link_page == 0 && !p->runs[j].uri) {
            if (j > i) {
                qr_buf_addc(&bt->text, ' ');
                S_batch_cluster(bt, 1, 0);
            }
            S_batch_run(bt, &p->runs[j]);
            j++;
        }
        S_batch_flush(cr, bt, r->shape->font);
        i = j;
    }
    qr_buf_release(&attr);
}

/* The cover's PNG bytes, read by cairo. */
typedef struct S_bytes {
    const unsigned char *p;
    size_t left;
} S_bytes;

static cairo_status_t S_read_bytes(void *closure, unsigned char *data, unsigned int length)
{
    S_bytes *b = closure;
    if (length > b->left)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, b->p, length);
    b->p += length;
    b->left -= length;
    return CAIRO_STATUS_SUCCESS;
}

/*
 * Owned: the cover as a cairo surface (destroy it), or NULL with err set.
 * A PNG is decoded by cairo; a JPEG is passed through as it is: its bytes
 * are attached (CAIRO_MIME_TYPE_JPEG) to a blank image surface of its size,
 * and cairo's PDF surface embeds them (DCTDecode) instead of the pixels.
 * The bytes are the document's and outlive the surface.
 */
static cairo_surface_t *S_image_surface(const char *data, size_t len, const char *type, int w,
                                        int h, const char *what, qr_error *err)
{
    cairo_surface_t *img;
    if (strcmp(type, "image/png") == 0) {
        S_bytes b = {(const unsigned char *)data, len};
        img = cairo_image_surface_create_from_png_stream(S_read_bytes, &b);
    } else {
        img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        if (cairo_surface_status(img) == CAIRO_STATUS_SUCCESS)
            cairo_surface_set_mime_data(img, CAIRO_MIME_TYPE_JPEG, (const unsigned char *)data,
                                        len, NULL, NULL);
    }
    cairo_status_t st = cairo_surface_status(img);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(img);
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "the %s (%s) cannot be read: %s", what, type,
                     cairo_status_to_string(st));
        return NULL;
    }
    return img;
}

static cairo_surface_t *S_cover_surface(const qr_meta *m, qr_error *err)
{
    return S_image_surface(m->cover_data, m->cover_len, m->cover_type, m->cover_width,
                           m->cover_height, "cover image", err);
}

/* Draws a page's rules, images and continuation marks. */
static int S_draw_gfx(cairo_t *cr, const qr_page *p, qr_error *err)
{
    for (size_t i = 0; i < p->n_gfx; i++) {
        const qr_graphic *g = &p->gfx[i];
        switch (g->kind) {
        case QR_GFX_RULE:
            cairo_rectangle(cr, g->x, g->y - g->h / 2, g->w, g->h);
            cairo_fill(cr);
            break;
        case QR_GFX_IMAGE: {
            const qr_image *im = g->image;
            cairo_surface_t *img = S_image_surface(im->data, im->len, im->type, im->width,
                                                   im->height, im->name ? im->name : "image", err);
            if (!img)
                return -1;
            double iw = cairo_image_surface_get_width(img), ih = cairo_image_surface_get_height(img);
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
    }
    return 0;
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

int qr_pdf_write(const qr_layout *lay, const qr_doc *doc, time_t date, qr_buf *out, qr_error *err)
{
    const qr_meta *m = qr_doc_meta_const(doc);
    cairo_surface_t *cover = NULL;
    if (m->cover_data && m->cover_type && !(cover = S_cover_surface(m, err)))
        return -1;
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(S_write, out, lay->page_w, lay->page_h);
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
        for (int i = 0; i < m->n_creators; i++) {
            if (m->creators[i].role && strcmp(m->creators[i].role, "aut") != 0)
                continue;
            if (authors.len)
                qr_buf_adds(&authors, ", ");
            qr_buf_adds(&authors, m->creators[i].name);
        }
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
    cairo_tag_begin(cr, "Document", NULL);
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
        S_draw_page(cr, &lay->pages[pi], &bt, &clusters, &cap);
        if (gfx_rc == 0)
            gfx_rc = S_draw_gfx(cr, &lay->pages[pi], err);
        cairo_show_page(cr);
    }
    free(clusters);
    free(bt.glyphs);
    free(bt.clusters);
    qr_buf_release(&bt.text);
    cairo_tag_end(cr, "Document");

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
    if (gfx_rc < 0)
        return -1;
    if (st != CAIRO_STATUS_SUCCESS)
        return qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "cairo failed writing the PDF: %s",
                            cairo_status_to_string(st));
    return 0;
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
            qr_buf_addf(out, "  %7.2f %7.2f %s %.2f x %.2f", g->x, g->y, kinds[g->kind], g->w, g->h);
            if (g->image)
                qr_buf_addf(out, " %s", g->image->name ? g->image->name : "");
            qr_buf_addc(out, '\n');
        }
    }
}
