/*
 * linebreak.c: the total-fit line breaker of Knuth and Plass, "Breaking
 * Paragraphs into Lines" (Software—Practice and Experience 11, 1981),
 * following TeX's line_break (The TeX Program, part 38–39, §813–§890).
 *
 * Control flow:
 *
 *   qr_break_lines                       TeX §815 line_break
 *     check the items, add the end of the paragraph if missing      §816
 *     choose which line numbers can share active nodes (easy_line)  §848
 *     for each pass (pretolerance, tolerance, emergency)            §863
 *       S_pass: walk the items, totals running, and at every
 *               legal breakpoint call S_try_break                   §866–§869
 *         S_try_break: for every active node (a break some line
 *               may start after):                                   §829
 *           measure the line from it to here, badness and fitness   §851–§853
 *           deactivate it when the line is overfull, or at a forced
 *               break (artificial demerits for the last one
 *               standing in the final pass)                         §854, §860
 *           record the demerits of the best way here per fitness    §855, §859
 *           when a run of nodes of one line class ends: new active
 *               nodes for the best ways, one per fitness class      §835–§836, §845
 *       at the end: the best active node; looseness                 §873–§875
 *     S_lines: follow the passive nodes back; set each line         §877–§881
 *
 * Widths: instead of TeX's delta nodes (§822), every active node keeps the
 * totals (width, stretch, shrink, infinite stretch) of the items before the
 * line that starts there, as in Knuth and Plass's paper ("The algorithm",
 * the `TotalWidth` variables); a line's sums are the running totals minus
 * the node's.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "linebreak.h"

#define S_INF_BAD 10000      /* TeX §108 inf_bad */
#define S_AWFUL_BAD HUGE_VAL /* TeX §833 awful_bad: more than any demerits */
#define S_NONE SIZE_MAX      /* no node */
#define S_EPS 1e-6           /* points: shortfalls this small are exact fits */
#define S_OVER_LIMIT 1e12    /* demerits of a line past the hyphen limit (final pass) */

/* Fitness classes (TeX §817). */
enum { S_VERY_LOOSE = 0, S_LOOSE = 1, S_DECENT = 2, S_TIGHT = 3 };

/* Sums over items: natural width, finite stretch, shrink, infinite stretch
 * (in units of QR_FIL, TeX's fil order of §150), and the width font
 * expansion may scale (pdfTeX's font_stretch, font_shrink). */
typedef struct S_totals {
    double w, y, z, f, x;
} S_totals;

/* A passive node (TeX §821): a break that some active node, or the result,
 * goes through. Never freed during a pass. */
typedef struct S_passive {
    size_t item;       /* the break (internal index) */
    size_t next_start; /* first item of the line after it (TeX §879) */
    size_t prev;       /* the break before it, S_NONE for the paragraph's start */
    int fitness;       /* of the line it ends */
    int hyphenated;
} S_passive;

/* An active node (TeX §819): a feasible break after which a line can start. */
typedef struct S_active {
    size_t next;     /* next in the active list, S_NONE at its end */
    size_t passive;  /* S_NONE for the paragraph's start */
    size_t line;     /* 0-based number of the line that starts here */
    size_t start;    /* first item of that line */
    int fitness;     /* of the line that ends here */
    int run;         /* hyphenated lines in a row ending with that line (0: it is not) */
    double demerits; /* total of the best way here */
    S_totals t;      /* totals of the items before `start` */
} S_active;

typedef struct S_ctx {
    const qr_item *items;
    size_t n;     /* the caller's item count */
    size_t m;     /* items taken from the caller: items[0..m) */
    size_t count; /* internal items: m, or m + 3 with the end added (§816) */
    double width;
    qr_line_width_fn line_width;
    void *ctx;
    const qr_break_params *p;
    size_t uniform; /* lines numbered >= this have easy_width */
    double easy_width;
    size_t merge_from; /* nodes of lines >= this share a class (TeX's easy_line) */
    int bad_width;     /* the callback returned a width that is not finite */

    /* The pass (TeX §863). */
    int pass;
    int final_pass;
    double threshold;
    double background; /* stretch added to every line: emergency stretch */

    /* Active nodes: a list threaded through a pool with a free list. */
    S_active *act;
    size_t n_act, cap_act, free_act;
    size_t head, n_active, active_max;
    S_passive *pas;
    size_t n_pas, cap_pas;
    S_totals cur; /* totals of the items before the one being looked at */
} S_ctx;

/* TeX §816: what ends a paragraph when the caller's list lacks it: no
 * break before \parfillskip (0pt plus 1fil), then a forced break. */
static const qr_item S_no_break = {.type = QR_ITEM_PENALTY, .penalty = QR_PENALTY_INF};
static const qr_item S_parfillskip = {.type = QR_ITEM_GLUE, .stretch = QR_FIL};
static const qr_item S_final_break = {.type = QR_ITEM_PENALTY, .penalty = -QR_PENALTY_INF};

void qr_break_params_default(qr_break_params *p)
{
    memset(p, 0, sizeof *p);
    /* plain TeX's values (The TeXbook, Appendix B) */
    p->tolerance = 200;
    p->pretolerance = 100;
    p->line_penalty = 10;
    p->hyphen_penalty = 50;
    p->ex_hyphen_penalty = 50;
    p->double_hyphen_demerits = 10000;
    p->final_hyphen_demerits = 5000;
    p->adj_demerits = 10000;
    p->looseness = 0;
    p->emergency_stretch = 0;
    p->expansion = 0;
    p->expansion_step = 0.5;
    p->consecutive_hyphens = 0;
    p->uniform_from = 0;
}

/* Borrowed: internal item i (the caller's, or the end TeX adds). */
static const qr_item *S_item(const S_ctx *c, size_t i)
{
    if (i < c->m)
        return &c->items[i];
    if (i == c->m)
        return &S_no_break;
    return i == c->m + 1 ? &S_parfillskip : &S_final_break;
}

/* Character protrusion of the line from item `start` to break b: the
 * first box's lp, and the rp of the hyphen a penalty adds or of the box
 * just before the break (pdfTeX's margin kerning). */
static double S_hang_left(const S_ctx *c, size_t start)
{
    const qr_item *it = S_item(c, start);
    return it->type == QR_ITEM_BOX ? it->lp : 0;
}

static double S_hang_right(const S_ctx *c, size_t start, size_t b)
{
    const qr_item *bi = S_item(c, b);
    if (bi->type == QR_ITEM_PENALTY && bi->width != 0)
        return bi->rp;
    if (b == 0 || b <= start)
        return 0;
    const qr_item *last = S_item(c, b - 1);
    return last->type == QR_ITEM_BOX ? last->rp : 0;
}

static int S_is_fil(double stretch)
{
    return stretch >= QR_FIL / 2 || stretch <= -QR_FIL / 2;
}

static void S_add_glue(S_totals *t, const qr_item *g)
{
    t->w += g->width;
    t->z += g->shrink;
    if (!S_is_fil(g->stretch))
        t->y += g->stretch;
    else if (isinf(g->stretch))
        t->f += g->stretch > 0 ? 1 : -1;
    else
        t->f += g->stretch / QR_FIL;
}

/*
 * Font expansion of a line (pdfTeX's adjust_shortfall, then hpack's
 * font_expand_ratio): its glyphs, x wide, take up the shortfall first, in
 * whole steps toward zero within the limit; what is left, in *shortfall,
 * is the glue's. Returns the expansion, a fraction (0.02: 2 % wider). A
 * line with infinite stretch (a paragraph's last) is not widened.
 */
static double S_expand(const qr_break_params *p, double x, int fil, double *shortfall)
{
    if (p->expansion <= 0 || x <= 0 || *shortfall == 0 || (fil && *shortfall > 0))
        return 0;
    double limit = p->expansion / 100, step = p->expansion_step / 100;
    double e = *shortfall / x;
    if (e > limit)
        e = limit;
    else if (e < -limit)
        e = -limit;
    if (step > 0) /* 1e-9: a step that fits exactly is not lost to rounding */
        e = trunc(e / step + (e > 0 ? 1e-9 : -1e-9)) * step;
    *shortfall -= e * x;
    if (fabs(*shortfall) < S_EPS)
        *shortfall = 0;
    return e;
}

/* Width of line `line` (0-based). */
static double S_width(S_ctx *c, size_t line)
{
    if (line >= c->uniform)
        return c->easy_width;
    double w = c->line_width ? c->line_width(line, c->ctx) : c->width;
    if (!isfinite(w)) {
        c->bad_width = 1;
        return 0;
    }
    return w;
}

/*
 * TeX §108: badness of a line whose glue must stretch (or shrink) by t with
 * s available, about 100 (t/s)^3, at most inf_bad. TeX approximates the
 * cube in integers; this rounds the exact value.
 */
static int S_badness(double t, double s)
{
    if (t <= 0)
        return 0;
    if (s <= 0)
        return S_INF_BAD;
    double r = t / s;
    if (r > 4.7) /* 100 * 4.7^3 > inf_bad; keeps the cube small */
        return S_INF_BAD;
    double b = 100 * r * r * r + 0.5;
    return b >= S_INF_BAD ? S_INF_BAD : (int)b;
}

static size_t S_new_active(S_ctx *c)
{
    size_t i;
    if (c->free_act != S_NONE) {
        i = c->free_act;
        c->free_act = c->act[i].next;
    } else {
        if (c->n_act == c->cap_act) {
            c->cap_act = c->cap_act ? c->cap_act * 2 : 64;
            c->act = xrealloc(c->act, c->cap_act * sizeof *c->act);
        }
        i = c->n_act++;
    }
    if (++c->n_active > c->active_max)
        c->active_max = c->n_active;
    return i;
}

static size_t S_new_passive(S_ctx *c)
{
    if (c->n_pas == c->cap_pas) {
        c->cap_pas = c->cap_pas ? c->cap_pas * 2 : 64;
        c->pas = xrealloc(c->pas, c->cap_pas * sizeof *c->pas);
    }
    return c->n_pas++;
}

/*
 * TeX §837: the totals a line starting after break b begins with, and the
 * index of its first item: the break's glue and the glue and non-forced
 * penalties after it are discarded, up to the next box or forced break.
 */
static S_totals S_break_totals(const S_ctx *c, size_t b, size_t *start)
{
    S_totals t = c->cur;
    size_t i = b;
    if (S_item(c, i)->type == QR_ITEM_GLUE)
        S_add_glue(&t, S_item(c, i));
    for (i = b + 1; i < c->count; i++) {
        const qr_item *it = S_item(c, i);
        if (it->type == QR_ITEM_GLUE)
            S_add_glue(&t, it);
        else if (it->type != QR_ITEM_PENALTY || it->penalty <= -QR_PENALTY_INF)
            break;
    }
    *start = i;
    return t;
}

/* The best ways to the break being tried, per fitness class (TeX §833)
 * and, at a hyphenated break under a consecutive_hyphens limit, per
 * length of the run of hyphenated lines it ends (1..limit; 0 for any
 * other break): a longer run that is cheaper now may be barred later. */
#define S_RUNS (QR_HYPHEN_RUN_MAX + 1)
typedef struct S_best {
    double minimal[4][S_RUNS]; /* minimal_demerits */
    size_t place[4][S_RUNS];   /* best_place: the passive node the line starts after */
    size_t line[4][S_RUNS];    /* best_pl_line: the number of that line */
    double minimum;            /* minimum_demerits */
    int runs;                  /* run classes in use: [0, runs) */
    int have_totals;           /* no_break_yet is false */
    S_totals totals;           /* break_width */
    size_t start;
} S_best;

/*
 * TeX §836, §845: new active nodes at break b for the best ways found, one
 * per fitness class (and run class) within adj_demerits of the best,
 * linked in after `*prev` (S_NONE: at the head). Clears `best`.
 */
static void S_insert_nodes(S_ctx *c, S_best *best, size_t b, int hyph, size_t *prev, size_t next)
{
    if (!best->have_totals) {
        best->totals = S_break_totals(c, b, &best->start);
        best->have_totals = 1;
    }
    double adj = fabs((double)c->p->adj_demerits);
    double limit = best->minimum + adj;
    for (int k = S_VERY_LOOSE; k <= S_TIGHT; k++) {
        for (int j = 0; j < best->runs; j++) {
            if (best->minimal[k][j] <= limit) {
                size_t q = S_new_passive(c);
                c->pas[q].item = b;
                c->pas[q].next_start = best->start;
                c->pas[q].prev = best->place[k][j];
                c->pas[q].fitness = k;
                c->pas[q].hyphenated = hyph != 0;
                size_t a = S_new_active(c);
                S_active *na = &c->act[a];
                na->passive = q;
                na->line = best->line[k][j] + 1;
                na->start = best->start;
                na->fitness = k;
                na->run = hyph ? (j > 0 ? j : 1) : 0;
                na->demerits = best->minimal[k][j];
                na->t = best->totals;
                na->next = next;
                if (*prev == S_NONE)
                    c->head = a;
                else
                    c->act[*prev].next = a;
                *prev = a;
            }
            best->minimal[k][j] = S_AWFUL_BAD;
        }
    }
    best->minimum = S_AWFUL_BAD;
}

/* TeX §860: unlinks active node r (after prev, S_NONE: the head) and
 * frees it. */
static void S_deactivate(S_ctx *c, size_t prev, size_t r)
{
    size_t next = c->act[r].next;
    if (prev == S_NONE)
        c->head = next;
    else
        c->act[prev].next = next;
    c->act[r].next = c->free_act;
    c->free_act = r;
    c->n_active--;
}

/*
 * TeX §829 try_break: break b, penalty pi, hyph its flag when b is a
 * flagged penalty (else 0), is_final at the paragraph's last (forced)
 * break.
 */
static void S_try_break(S_ctx *c, size_t b, int pi, int hyph, int is_final)
{
    const qr_break_params *p = c->p;
    const qr_item *bi = S_item(c, b);
    double pw = bi->type == QR_ITEM_PENALTY ? bi->width : 0;
    double px = bi->type == QR_ITEM_PENALTY ? bi->ex : 0;
    if (pi <= -QR_PENALTY_INF)
        pi = -QR_PENALTY_INF; /* eject_penalty */

    /* the hyphen limit: a hyphenated line may not follow a run of `limit` */
    int limit =
        p->consecutive_hyphens > QR_HYPHEN_RUN_MAX ? QR_HYPHEN_RUN_MAX : p->consecutive_hyphens;
    if (hyph == QR_FLAG_CUT)
        limit = 0; /* a word too long for the line is cut where it must be */
    S_best best;
    best.have_totals = 0;
    best.start = 0;
    best.runs = hyph && limit > 0 ? limit + 1 : 1;
    for (int k = 0; k < 4; k++)
        for (int j = 0; j < best.runs; j++)
            best.minimal[k][j] = S_AWFUL_BAD;
    best.minimum = S_AWFUL_BAD;

    size_t prev = S_NONE, r = c->head;
    size_t cls = 0, cur_l = S_NONE;
    int have_cls = 0;
    double lw = 0;
    for (;;) {
        /* §835: the new nodes of one line class are made when its run of
         * active nodes ends. A node of line l makes nodes of line l + 1, so
         * l + 1 >= merge_from share one class (TeX's test old_l <> easy_line). */
        size_t rcls = 0;
        if (r != S_NONE)
            rcls = c->act[r].line + 1 >= c->merge_from ? S_NONE : c->act[r].line;
        if (r == S_NONE || !have_cls || rcls != cls) {
            if (best.minimum < S_AWFUL_BAD)
                S_insert_nodes(c, &best, b, hyph, &prev, r);
            if (r == S_NONE)
                return;
            cls = rcls;
            have_cls = 1;
        }
        S_active *a = &c->act[r];
        size_t next = a->next;
        if (a->start > b) {
            /* the line would end before it starts: a break among the
             * items discarded after a's break (TeX measures these as
             * negative widths) */
            prev = r;
            r = next;
            continue;
        }
        if (a->line != cur_l) { /* §850 */
            cur_l = a->line;
            lw = S_width(c, cur_l);
        }

        /* §851–§853: badness b and fitness class of the line from a to here */
        double hang = S_hang_left(c, a->start) + S_hang_right(c, a->start, b);
        double shortfall = lw - (c->cur.w - a->t.w + pw - hang);
        if (fabs(shortfall) < S_EPS)
            shortfall = 0;
        int fil = c->cur.f - a->t.f != 0;
        S_expand(p, c->cur.x - a->t.x + px - hang, fil, &shortfall);
        int bad, fit;
        if (shortfall > 0) {
            if (fil) {
                bad = 0; /* §852: infinite stretch */
                fit = S_DECENT;
            } else {
                bad = S_badness(shortfall, c->cur.y - a->t.y + c->background);
                fit = bad > 99 ? S_VERY_LOOSE : bad > 12 ? S_LOOSE : S_DECENT;
            }
        } else {
            double shrink = c->cur.z - a->t.z;
            if (-shortfall > shrink + S_EPS)
                bad = S_INF_BAD + 1; /* §853: overfull */
            else
                bad = S_badness(-shortfall, shrink);
            fit = bad > 12 ? S_TIGHT : S_DECENT;
        }

        /* §851, §854: a is deactivated when no later line can start there:
         * this line is overfull, or the break is forced */
        int stays, artificial = 0;
        if (bad > S_INF_BAD || pi == -QR_PENALTY_INF) {
            if (bad > c->threshold) {
                /* the last one standing in the final pass: break here
                 * anyway (TeX sets artificial demerits also for a
                 * feasible line; counting its real demerits changes no
                 * choice, as every later node descends from this one) */
                if (c->final_pass && best.minimum == S_AWFUL_BAD && prev == S_NONE &&
                    next == S_NONE) {
                    artificial = 1;
                } else {
                    S_deactivate(c, prev, r);
                    r = next;
                    continue;
                }
            }
            stays = 0;
        } else {
            if (bad > c->threshold) {
                prev = r;
                r = next;
                continue;
            }
            stays = 1;
        }

        /* the hyphen limit: barred before the final pass, so that a pass
         * finding no way within it leaves the choice to the next one (the
         * emergency stretch); in the final pass, priced above any
         * breaking that keeps it, so that it gives way only where no
         * such breaking is feasible */
        int over = hyph && limit > 0 && a->run >= limit;
        if (over && !c->final_pass) {
            if (!stays)
                S_deactivate(c, prev, r);
            else
                prev = r;
            r = next;
            continue;
        }

        /* §855, §859: demerits of the best way here through a */
        double d = 0;
        if (!artificial) {
            d = p->line_penalty + bad;
            d = fabs(d) >= 10000 ? 100000000.0 : d * d;
            if (pi > 0)
                d += (double)pi * pi;
            else if (pi > -QR_PENALTY_INF)
                d -= (double)pi * pi;
            if ((hyph || is_final) && a->run > 0)
                d += is_final ? p->final_hyphen_demerits : p->double_hyphen_demerits;
            if (abs(fit - a->fitness) > 1)
                d += p->adj_demerits;
            if (over)
                d += S_OVER_LIMIT;
        }
        d += a->demerits;
        int j = best.runs > 1 ? (a->run < limit ? a->run + 1 : limit) : 0;
        if (d <= best.minimal[fit][j]) {
            best.minimal[fit][j] = d;
            best.place[fit][j] = a->passive;
            best.line[fit][j] = a->line;
            if (d < best.minimum)
                best.minimum = d;
        }
        if (!stays)
            S_deactivate(c, prev, r);
        else
            prev = r;
        r = next;
    }
}

/* TeX §863–§869: one pass over the items. Returns whether any active node
 * is left at the end (the pass found a breaking). */
static int S_pass(S_ctx *c)
{
    c->n_act = 0;
    c->free_act = S_NONE;
    c->n_pas = 0;
    c->n_active = 0;
    memset(&c->cur, 0, sizeof c->cur);
    /* §864: the active node for the paragraph's start */
    size_t a = S_new_active(c);
    memset(&c->act[a], 0, sizeof c->act[a]);
    c->act[a].next = S_NONE;
    c->act[a].passive = S_NONE;
    c->act[a].fitness = S_DECENT;
    c->head = a;

    for (size_t i = 0; i < c->count && c->head != S_NONE; i++) {
        const qr_item *it = S_item(c, i);
        switch (it->type) {
        case QR_ITEM_BOX:
            c->cur.w += it->width;
            c->cur.x += it->ex;
            break;
        case QR_ITEM_GLUE: /* §868: a break only right after a box */
            if (i > 0 && S_item(c, i - 1)->type == QR_ITEM_BOX)
                S_try_break(c, i, 0, 0, 0);
            S_add_glue(&c->cur, it);
            break;
        case QR_ITEM_PENALTY: /* §869; the first pass has no hyphenation (§863) */
            if (it->penalty >= QR_PENALTY_INF)
                break;
            if (c->pass == 1 && it->flagged && it->flagged != QR_FLAG_EXPLICIT &&
                it->flagged != QR_FLAG_CUT)
                break;
            S_try_break(c, i, it->penalty, it->flagged, i == c->count - 1);
            break;
        }
    }
    return c->head != S_NONE;
}

/*
 * TeX §874–§875: the active node to use, or S_NONE when the pass must be
 * followed by another (none left, or looseness not met before the final
 * pass).
 */
static size_t S_choose(const S_ctx *c)
{
    size_t best = S_NONE;
    double fewest = S_AWFUL_BAD;
    for (size_t r = c->head; r != S_NONE; r = c->act[r].next)
        if (c->act[r].demerits < fewest) {
            fewest = c->act[r].demerits;
            best = r;
        }
    if (best == S_NONE || c->p->looseness == 0)
        return best;
    long looseness = c->p->looseness, actual = 0;
    size_t best_line = c->act[best].line;
    for (size_t r = c->head; r != S_NONE; r = c->act[r].next) {
        long diff = (long)c->act[r].line - (long)best_line;
        if ((diff < actual && looseness <= diff) || (diff > actual && looseness >= diff)) {
            best = r;
            actual = diff;
            fewest = c->act[r].demerits;
        } else if (diff == actual && c->act[r].demerits < fewest) {
            best = r;
            fewest = c->act[r].demerits;
        }
    }
    return actual == looseness || c->final_pass ? best : S_NONE;
}

/*
 * TeX §877–§881 (post_line_break), measuring instead of packing: the lines
 * of the breaking that ends at active node `last`. Owned: the array.
 */
static qr_line *S_lines(S_ctx *c, size_t last, size_t *count)
{
    size_t n_lines = c->act[last].line;
    qr_line *lines = xcalloc(n_lines ? n_lines : 1, sizeof *lines);
    size_t k = n_lines;
    for (size_t q = c->act[last].passive; q != S_NONE && k > 0; q = c->pas[q].prev) {
        qr_line *ln = &lines[--k];
        size_t prev = c->pas[q].prev;
        ln->start = prev == S_NONE ? 0 : c->pas[prev].next_start;
        ln->end = c->pas[q].item;
        ln->fitness = c->pas[q].fitness;
        ln->hyphenated = c->pas[q].hyphenated;
    }
    for (k = 0; k < n_lines; k++) {
        qr_line *ln = &lines[k];
        S_totals t = {0, 0, 0, 0, 0};
        for (size_t i = ln->start; i < ln->end; i++) {
            const qr_item *it = S_item(c, i);
            if (it->type == QR_ITEM_BOX) {
                t.w += it->width;
                t.x += it->ex;
            } else if (it->type == QR_ITEM_GLUE) {
                S_add_glue(&t, it);
            }
        }
        const qr_item *br = S_item(c, ln->end);
        if (br->type == QR_ITEM_PENALTY) {
            t.w += br->width;
            t.x += br->ex;
        }
        ln->natural = t.w;
        ln->left = S_hang_left(c, ln->start);
        ln->right = S_hang_right(c, ln->start, ln->end);
        for (;;) {
            double shortfall = S_width(c, k) - (t.w - ln->left - ln->right);
            if (fabs(shortfall) < S_EPS)
                shortfall = 0;
            ln->expansion = S_expand(c->p, t.x - ln->left - ln->right, t.f != 0, &shortfall);
            if (shortfall > 0) {
                if (t.f != 0) {
                    ln->badness = 0;
                } else if (t.y > 0) {
                    ln->ratio = shortfall / t.y;
                    ln->badness = S_badness(shortfall, t.y);
                } else {
                    ln->badness = S_INF_BAD;
                }
            } else if (shortfall < 0) {
                if (-shortfall > t.z + S_EPS) {
                    ln->overfull = 1;
                    ln->overflow = -shortfall - (t.z > 0 ? t.z : 0);
                    ln->ratio = t.z > 0 ? -1 : 0;
                    ln->badness = S_INF_BAD;
                } else {
                    ln->ratio = shortfall / t.z < -1 ? -1 : shortfall / t.z;
                    ln->badness = S_badness(-shortfall, t.z);
                }
            }
            /* a line looser than the tolerance (the last pass's fallback)
             * is not loosened further to reach into the margins: it is set
             * without its hangs, when it still fills the measure so */
            if (shortfall > 0 && ln->badness > c->p->tolerance && (ln->left > 0 || ln->right > 0) &&
                shortfall - ln->left - ln->right >= 0) {
                ln->left = ln->right = 0;
                ln->ratio = 0;
                ln->expansion = 0;
                continue;
            }
            break;
        }
        /* indices of the end TeX adds read as n */
        if (ln->start > c->n)
            ln->start = c->n;
        if (ln->end > c->n)
            ln->end = c->n;
    }
    *count = n_lines;
    return lines;
}

size_t qr_break_lines(const qr_item *items, size_t n, double width, qr_line_width_fn line_width,
                      void *ctx, const qr_break_params *p, qr_line **lines, qr_break_stats *stats,
                      qr_error *err)
{
    size_t n_lines = 0;
    qr_break_params defaults;
    S_ctx c;
    memset(&c, 0, sizeof c);

    if (lines)
        *lines = NULL;
    if (stats)
        memset(stats, 0, sizeof *stats);
    if (!lines || (!items && n > 0)) {
        qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "line breaking: no %s",
                     lines ? "items" : "place for the lines");
        goto done;
    }
    if (n == 0) {
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "line breaking: empty paragraph");
        goto done;
    }
    if (!line_width && !isfinite(width)) {
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "line breaking: measure is not finite");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const qr_item *it = &items[i];
        if ((it->type != QR_ITEM_BOX && it->type != QR_ITEM_GLUE && it->type != QR_ITEM_PENALTY) ||
            !isfinite(it->width) || !isfinite(it->lp) || !isfinite(it->rp) || !isfinite(it->ex) ||
            (it->type == QR_ITEM_GLUE && (isnan(it->stretch) || !isfinite(it->shrink)))) {
            qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0,
                         "line breaking: item %zu is not a box, glue or penalty of finite size", i);
            goto done;
        }
    }
    if (!p) {
        qr_break_params_default(&defaults);
        p = &defaults;
    }

    c.items = items;
    c.n = n;
    c.width = width;
    c.line_width = line_width;
    c.ctx = ctx;
    c.p = p;
    /* §816: the paragraph ends in penalty 10000, \parfillskip and a forced
     * break; when they are added, they replace a last glue */
    const qr_item *last = &items[n - 1];
    if (last->type == QR_ITEM_PENALTY && last->penalty <= -QR_PENALTY_INF) {
        c.m = c.count = n;
    } else {
        c.m = last->type == QR_ITEM_GLUE ? n - 1 : n;
        c.count = c.m + 3;
    }
    /* §848: which lines share one width, and which share active nodes
     * (none when looseness asks for other line counts) */
    c.uniform = S_NONE;
    if (!line_width) {
        c.uniform = 0;
        c.easy_width = width;
    } else if (p->uniform_from > 0) {
        c.easy_width = S_width(&c, p->uniform_from);
        c.uniform = p->uniform_from;
    }
    c.merge_from = p->looseness == 0 ? c.uniform : S_NONE;

    /* §863: the passes */
    if (p->pretolerance >= 0) {
        c.pass = 1;
        c.threshold = p->pretolerance;
        c.final_pass = 0;
    } else {
        c.pass = 2;
        c.threshold = p->tolerance;
        c.final_pass = p->emergency_stretch <= 0;
    }
    size_t chosen;
    for (;;) {
        if (c.threshold > S_INF_BAD)
            c.threshold = S_INF_BAD;
        int found = S_pass(&c);
        if (c.bad_width) {
            qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0,
                         "line breaking: a line width is not finite");
            goto done;
        }
        chosen = found ? S_choose(&c) : S_NONE;
        if (chosen != S_NONE)
            break;
        if (c.final_pass) { /* cannot happen: the final pass always ends with a node */
            qr_error_set(err, QR_EX_SOFTWARE, NULL, 0, 0, "line breaking: no breaking found");
            goto done;
        }
        if (c.pass == 1) {
            c.pass = 2;
            c.threshold = p->tolerance;
            c.final_pass = p->emergency_stretch <= 0;
        } else {
            c.pass = 3;
            c.background += p->emergency_stretch;
            c.final_pass = 1;
        }
    }

    *lines = S_lines(&c, chosen, &n_lines);
    if (c.bad_width) {
        free(*lines);
        *lines = NULL;
        n_lines = 0;
        qr_error_set(err, QR_EX_DATAERR, NULL, 0, 0, "line breaking: a line width is not finite");
        goto done;
    }
    if (stats) {
        stats->passes = c.pass;
        stats->demerits = c.act[chosen].demerits;
    }

done:
    if (stats)
        stats->active_max = c.active_max;
    free(c.act);
    free(c.pas);
    return n_lines;
}
