/*
 * pages.c: the page builder, its options and its entry point.
 *
 * Outline (one file a step):
 *   1. Front matter: half-title, title page and, for a book of more than
 *      one chapter, a table of contents (laid out last, when the body's
 *      page numbers are known, but counted first: one entry a line)
 *      (pagefront.c).
 *   2. For each chapter: a new page (a recto where the style asks), a sunk
 *      heading, then its blocks (paragraphs, section headings, scene
 *      breaks) broken into lines by Knuth and Plass's algorithm
 *      (pageblocks.c).
 *   3. The chapter's lines stand on a baseline grid, a fixed number to a
 *      page, so facing pages end on the same baseline. Where a page would
 *      end with a paragraph's first line (an orphan), begin with its last
 *      (a widow), or end with a heading, a paragraph on the page is
 *      re-broken one line looser or tighter (TeX's \looseness, as
 *      lua-widow-control does); only when none can be is the page ended a
 *      line early. A figure that does not fit floats to the top of the
 *      next page while the text after it fills this one (LaTeX's [tp]);
 *      a scene break's ornament is kept from a page's head (pagefill.c).
 *   4. Running heads (book title on versos, chapter title on rectos) and
 *      folios on every page but chapter openings and blank pages
 *      (pagefront.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layoutcache.h"
#include "pagebuild.h"

void qr_print_options_default(qr_print_options *o)
{
    memset(o, 0, sizeof *o);
    o->page_w = 148 * QR_MM;
    o->page_h = 210 * QR_MM;
    o->inner = 20 * QR_MM;
    o->outer = 16 * QR_MM;
    o->top = 18 * QR_MM;
    o->bottom = 22 * QR_MM;
    o->font_family = "EB Garamond 12";
    o->font_size = 11;
    o->leading = 14;
    o->recto_chapters = 0;
    qr_break_params_default(&o->breaking);
    /* A book's page, not plain TeX's: hyphens cost more (a tenth of
     * TeX's \hyphenpenalty maximum) and two in a row much more (the
     * largest value --break takes), and the tolerance that pays for them
     * lets a line's spaces stretch a little further (400: Moby-Dick ends
     * 5.9% of its justified lines with a hyphen instead of 14%, the
     * spaces' spread CV 0.249 instead of 0.238; Typst's 0.252). */
    o->breaking.tolerance = 400;
    o->breaking.hyphen_penalty = 500;
    o->breaking.double_hyphen_demerits = 100000;
    o->breaking.emergency_stretch = 1.5 * o->font_size;
    o->breaking.protrusion = 1; /* character protrusion (microtype's default) */
    /* font expansion as microtype sets it by default (stretch=20,
     * shrink=20: 2 %), in steps of half a percent; and never more than
     * two hyphenated lines in a row (a book's rule, after TeX's
     * \doublehyphendemerits) */
    o->breaking.expansion = 2;
    o->breaking.expansion_step = 0.5;
    o->breaking.consecutive_hyphens = 2;
    o->hyphen_left = 2;
    o->hyphen_right = 3;
}

double qr_print_parse_length(const char *s)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    if (strcmp(end, "mm") == 0)
        return v * QR_MM;
    if (strcmp(end, "cm") == 0)
        return v * 10 * QR_MM;
    if (strcmp(end, "in") == 0)
        return v * QR_IN;
    if (strcmp(end, "pt") == 0 || *end == '\0')
        return v;
    return -1;
}

int qr_print_set_trim(qr_print_options *o, const char *name)
{
    static const struct {
        const char *name;
        double w, h;
    } trims[] = {
        {"a5", 148 * QR_MM, 210 * QR_MM},        {"a4", 210 * QR_MM, 297 * QR_MM},
        {"letter", 8.5 * QR_IN, 11 * QR_IN},     {"us-letter", 8.5 * QR_IN, 11 * QR_IN},
        {"5.5x8.5in", 5.5 * QR_IN, 8.5 * QR_IN}, {"6x9in", 6 * QR_IN, 9 * QR_IN},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(trims); i++) {
        if (strcasecmp(name, trims[i].name) == 0) {
            o->page_w = trims[i].w;
            o->page_h = trims[i].h;
            return 0;
        }
    }
    /* WxH with a unit: 140x216mm */
    char w[32], h[32];
    const char *x = strchr(name, 'x');
    if (!x || x - name >= (long)sizeof w || strlen(x + 1) >= sizeof h)
        return -1;
    memcpy(w, name, (size_t)(x - name));
    w[x - name] = '\0';
    strcpy(h, x + 1);
    const char *unit = h + strspn(h, "0123456789.");
    if (*unit && !strpbrk(w, "abcdefghijklmnopqrstuvwxyz"))
        strncat(w, unit, sizeof w - strlen(w) - 1);
    double pw = qr_print_parse_length(w), ph = qr_print_parse_length(h);
    if (pw < 72 || ph < 72 || pw > 72 * 60 || ph > 72 * 60)
        return -1;
    o->page_w = pw;
    o->page_h = ph;
    return 0;
}

/* The book ------------------------------------------------------------------ */

qr_layout *qr_typeset(const qr_doc *doc, const qr_print_options *opt, qr_error *err)
{
    qr_layout *lay = xcalloc(1, sizeof *lay);
    lay->arena = qr_arena_new();
    lay->page_w = opt->page_w;
    lay->page_h = opt->page_h;
    pb b;
    memset(&b, 0, sizeof b);
    b.doc = doc;
    b.opt = opt;
    b.lay = lay;
    b.err = err;
    const qr_meta *m = qr_doc_meta_const(doc);
    const char *lang = m->language ? m->language : "en";
    b.fonts = opt->cache ? qr_lc_fonts(opt->cache, opt, lang, err) : qr_fonts_new(opt, lang, err);
    if (!b.fonts)
        goto fail;
    if (!opt->cache)
        lay->fonts = b.fonts; /* else the cache's */
    b.measure = opt->page_w - opt->inner - opt->outer;
    b.text_h = opt->page_h - opt->top - opt->bottom;
    if (b.measure < opt->font_size * 8 || b.text_h < opt->leading * 4) {
        qr_error_set(err, QR_EX_USAGE, NULL, 0, 0,
                     "the margins leave no room for text (%.0f x %.0f pt)", b.measure, b.text_h);
        goto fail;
    }
    b.y0 = opt->top + opt->font_size;
    b.lines_per_page = (int)floor((b.text_h - opt->font_size) / opt->leading) + 1;
    b.book_title = m->title ? m->title : "Untitled";
    b.tp_first = qr_doc_title_page(doc, &b.tp_last);
    b.small_caps = -1;
    /* footnotes at 9 on 11 for the default 11 on 14 */
    b.fn_size = opt->font_size * 9 / 11;
    b.fn_leading = opt->leading * 11 / 14;

    int total = qr_pb_count_contents(doc), done = 0;
    for (const qr_node *c = qr_node_first_child(qr_doc_root(doc)); c; c = qr_node_next(c)) {
        if (qr_node_get_type(c) != QR_NODE_CHAPTER)
            continue;
        qr_pb_chapter(&b, c);
        if (opt->progress)
            opt->progress(opt->progress_ctx, ++done, total);
    }
    size_t body = lay->n_pages;
    qr_pb_front_matter(&b, body);
    b.parity_base = 0;
    qr_pb_rotate_front(&b, body);
    qr_pb_heads_and_folios(&b, lay->n_pages - body);
    lay->stats.pages = lay->n_pages;
    free(b.page_chapter);
    free(b.opening);
    free(b.blocks);
    free(b.fn);
    free(b.fnl);
    free(b.note_end);
    free(b.note_nodes);
    return lay;
fail:
    free(b.page_chapter);
    free(b.opening);
    free(b.blocks);
    free(b.fn);
    free(b.fnl);
    free(b.note_end);
    free(b.note_nodes);
    qr_layout_free(lay);
    return NULL;
}

void qr_layout_free(qr_layout *lay)
{
    if (!lay)
        return;
    for (size_t i = 0; i < lay->n_pages; i++) {
        free(lay->pages[i].runs);
        free(lay->pages[i].gfx);
    }
    free(lay->pages);
    free(lay->outline);
    qr_fonts_free(lay->fonts);
    qr_arena_free(lay->arena);
    free(lay);
}

void qr_layout_stats_print(const qr_layout *lay, qr_buf *out)
{
    const qr_layout_stats *s = &lay->stats;
    double n = s->lines ? (double)s->lines : 1;
    qr_buf_addf(out, "pages: %zu\n", s->pages);
    qr_buf_addf(out, "lines: %zu justified, %zu paragraph ends\n", s->lines, s->last_lines);
    qr_buf_addf(out,
                "adjustment ratio: mean |r| %.3f, |r| > 0.5: %.1f%%, |r| > 1: %.1f%%, max %.2f\n",
                s->ratio_sum_abs / n, 100.0 * (double)s->ratio_over_half / n,
                100.0 * (double)s->ratio_over_one / n, s->ratio_max);
    qr_buf_addf(out, "hyphenated lines: %zu (%.1f%%), longest run %zu\n", s->hyphenated,
                100.0 * (double)s->hyphenated / n, s->hyphen_run_max);
    qr_buf_addf(out, "protrusion: %zu lines hang a character (%zu at the left, %zu at the right)\n",
                s->protruded, s->protruded_left, s->protruded_right);
    qr_buf_addf(out,
                "expansion: %zu lines (%.1f%%) set wider or narrower, mean %.2f%%, largest "
                "%.2f%%\n",
                s->expanded, 100.0 * (double)s->expanded / n,
                s->expanded ? 100.0 * s->expansion_sum / (double)s->expanded : 0.0,
                100.0 * s->expansion_max);
    qr_buf_addf(out, "overfull lines: %zu (max %.2f pt)\n", s->overfull, s->overflow_max);
    qr_buf_addf(out, "widows: %zu, orphans: %zu\n", s->widows, s->orphans);
    qr_buf_addf(out, "paragraphs re-broken: %zu, pages ended early: %zu, uneven spreads: %zu\n",
                s->rebroken, s->short_pages, s->uneven_spreads);
    qr_buf_addf(out, "figures floated to a later page: %zu\n", s->floats);
}
