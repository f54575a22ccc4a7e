/*
 * test_linebreak.c: the Knuth–Plass line breaker (src/typeset/linebreak.c).
 *
 * Paragraphs are built from text with fixed metrics: every character is a
 * box 5 pt wide, a space is glue 5 pt plus 2.5 minus 5/3, a '-' inside a
 * word is a hyphenation point (flagged penalty 50 whose hyphen is 5 pt).
 * The tests measure lines with their own code (S_ref_*), written from
 * TeX's rules, not from the breaker's: demerits of a breaking, first-fit
 * breaking, and the optimum over every breaking of small paragraphs (by
 * plain dynamic programming, with no active list), which the random cases
 * compare with the breaker's on hundreds of generated paragraphs.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../test.h"
#include "typeset/linebreak.h"

#define S_CHAR 5.0
#define S_SPACE 5.0
#define S_STRETCH 2.5
#define S_SHRINK (5.0 / 3.0)

/* A growable item list. ------------------------------------------------- */

typedef struct S_para {
    qr_item *v;
    size_t n, cap;
} S_para;

static qr_item *S_push(S_para *p, qr_item_type type)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xrealloc(p->v, p->cap * sizeof *p->v);
    }
    qr_item *it = &p->v[p->n++];
    memset(it, 0, sizeof *it);
    it->type = type;
    return it;
}

static void S_box(S_para *p, double w)
{
    S_push(p, QR_ITEM_BOX)->width = w;
}

static void S_glue(S_para *p, double w, double y, double z)
{
    qr_item *it = S_push(p, QR_ITEM_GLUE);
    it->width = w;
    it->stretch = y;
    it->shrink = z;
}

static void S_penalty(S_para *p, int pen, int flagged, double w)
{
    qr_item *it = S_push(p, QR_ITEM_PENALTY);
    it->penalty = pen;
    it->flagged = flagged;
    it->width = w;
}

/* TeX's end of paragraph: no break before \parfillskip, then a forced one. */
static void S_finish(S_para *p)
{
    S_penalty(p, QR_PENALTY_INF, 0, 0);
    S_glue(p, 0, QR_FIL, 0);
    S_penalty(p, -QR_PENALTY_INF, 0, 0);
}

/*
 * Appends text: words of S_CHAR per character; ' ' an interword space
 * (S_SPACE plus `stretch` minus `shrink`); '-' a hyphenation point; '='
 * an explicit hyphen (a 5 pt box and a QR_FLAG_EXPLICIT penalty); '~' a
 * tie (penalty 10000 then a space); '|' a forced break after \hfil; '!'
 * a penalty -100 (a good place to break); '^' a ragged-right space
 * (glue 0 plus 15, penalty 0, glue 5 plus -15: the first glue stays on a
 * line that breaks at the penalty). Does not finish the paragraph.
 */
static void S_text_glue(S_para *p, const char *s, double stretch, double shrink)
{
    while (*s) {
        if (*s == ' ') {
            S_glue(p, S_SPACE, stretch, shrink);
            s++;
        } else if (*s == '-') {
            S_penalty(p, 50, QR_FLAG_HYPHEN, S_CHAR);
            s++;
        } else if (*s == '=') {
            S_box(p, S_CHAR);
            S_penalty(p, 50, QR_FLAG_EXPLICIT, 0);
            s++;
        } else if (*s == '~') {
            S_penalty(p, QR_PENALTY_INF, 0, 0);
            S_glue(p, S_SPACE, stretch, shrink);
            s++;
        } else if (*s == '|') {
            S_glue(p, 0, QR_FIL, 0);
            S_penalty(p, -QR_PENALTY_INF, 0, 0);
            s++;
        } else if (*s == '!') {
            S_penalty(p, -100, 0, 0);
            s++;
        } else if (*s == '^') {
            S_glue(p, 0, 15, 0);
            S_penalty(p, 0, 0, 0);
            S_glue(p, S_SPACE, -15, 0);
            s++;
        } else {
            size_t len = strcspn(s, " -=~|!^");
            S_box(p, S_CHAR * (double)len);
            s += len;
        }
    }
}

static void S_text(S_para *p, const char *s)
{
    S_text_glue(p, s, S_STRETCH, S_SHRINK);
}

static S_para S_make(const char *text)
{
    S_para p = {NULL, 0, 0};
    S_text(&p, text);
    S_finish(&p);
    return p;
}

/* Line widths for the callback: widths[k] for k < n, then widths[n - 1]. */
typedef struct S_widths {
    double w[8];
    size_t n;
} S_widths;

static double S_width_cb(size_t line, void *ctx)
{
    const S_widths *w = ctx;
    return line < w->n ? w->w[line] : w->w[w->n - 1];
}

/* The reference: TeX's rules written out plainly. ----------------------- */

typedef struct S_ref {
    const S_para *p;
    double width; /* when ws is NULL */
    const S_widths *ws;
    const qr_break_params *bp;
    int pass1;         /* skip QR_FLAG_HYPHEN breaks */
    double background; /* emergency stretch */
} S_ref;

static double S_ref_width(const S_ref *r, size_t line)
{
    return r->ws ? S_width_cb(line, (void *)r->ws) : r->width;
}

/* Whether item i is a legal breakpoint (TeX §866: glue after a box, a
 * penalty below 10000). */
static int S_ref_legal(const S_ref *r, size_t i)
{
    const qr_item *it = &r->p->v[i];
    if (it->type == QR_ITEM_GLUE)
        return i > 0 && r->p->v[i - 1].type == QR_ITEM_BOX;
    if (it->type == QR_ITEM_PENALTY)
        return it->penalty < QR_PENALTY_INF && !(r->pass1 && it->flagged == QR_FLAG_HYPHEN);
    return 0;
}

/* First item of the line after a break at e: discard glue and non-forced
 * penalties (TeX §879). */
static size_t S_ref_next_start(const S_ref *r, size_t e)
{
    size_t i = e + 1;
    while (i < r->p->n &&
           (r->p->v[i].type == QR_ITEM_GLUE ||
            (r->p->v[i].type == QR_ITEM_PENALTY && r->p->v[i].penalty > -QR_PENALTY_INF)))
        i++;
    return i;
}

typedef struct S_ref_line {
    double natural, stretch, shrink, fil, ratio;
    int bad, fit, overfull;
} S_ref_line;

static S_ref_line S_ref_measure(const S_ref *r, size_t line, size_t s, size_t e)
{
    S_ref_line l;
    memset(&l, 0, sizeof l);
    for (size_t i = s; i < e; i++) {
        const qr_item *it = &r->p->v[i];
        if (it->type == QR_ITEM_BOX) {
            l.natural += it->width;
        } else if (it->type == QR_ITEM_GLUE) {
            l.natural += it->width;
            l.shrink += it->shrink;
            if (it->stretch >= QR_FIL / 2)
                l.fil += 1;
            else
                l.stretch += it->stretch;
        }
    }
    if (r->p->v[e].type == QR_ITEM_PENALTY)
        l.natural += r->p->v[e].width;
    double d = S_ref_width(r, line) - l.natural;
    if (fabs(d) < 1e-6)
        d = 0;
    double rr = 0, s3;
    if (d > 0 && l.fil > 0) {
        l.bad = 0;
        l.fit = 2;
    } else if (d > 0) {
        double y = l.stretch + r->background;
        rr = y > 0 ? d / y : 1e9;
        s3 = 100 * rr * rr * rr;
        l.bad = s3 >= 10000 ? 10000 : (int)(s3 + 0.5);
        l.fit = l.bad > 99 ? 0 : l.bad > 12 ? 1 : 2;
        l.ratio = l.stretch > 0 ? d / l.stretch : 0;
    } else {
        if (-d > l.shrink + 1e-6) {
            l.overfull = 1;
            l.bad = 10001;
        } else {
            rr = l.shrink > 0 ? -d / l.shrink : 0;
            s3 = 100 * rr * rr * rr;
            l.bad = s3 >= 10000 ? 10000 : (int)(s3 + 0.5);
        }
        l.fit = l.bad > 12 ? 3 : 2;
        l.ratio = l.shrink > 0 ? d / l.shrink : 0;
    }
    return l;
}

/* TeX §859: demerits of a line ending at e after a line of fitness
 * prev_fit, prev_hyph telling whether that one ended hyphenated. */
static double S_ref_line_demerits(const S_ref *r, const S_ref_line *l, size_t e, int prev_fit,
                                  int prev_hyph)
{
    const qr_item *it = &r->p->v[e];
    int pi = it->type == QR_ITEM_PENALTY ? it->penalty : 0;
    int final = e == r->p->n - 1;
    double d = r->bp->line_penalty + l->bad;
    d = d >= 10000 ? 1e8 : d * d;
    if (pi > 0)
        d += (double)pi * pi;
    else if (pi > -QR_PENALTY_INF)
        d -= (double)pi * pi;
    if (prev_hyph && final)
        d += r->bp->final_hyphen_demerits;
    else if (prev_hyph && it->type == QR_ITEM_PENALTY && it->flagged)
        d += r->bp->double_hyphen_demerits;
    if (abs(l->fit - prev_fit) > 1)
        d += r->bp->adj_demerits;
    return d;
}

/* Total demerits of the breaking at ends[0..k) (the last is the final
 * break); *max_r gets the largest |ratio| of the lines but the last. */
static double S_ref_demerits(const S_ref *r, const size_t *ends, size_t k, double *max_r)
{
    double total = 0;
    size_t s = 0;
    int fit = 2, hyph = 0;
    if (max_r)
        *max_r = 0;
    for (size_t i = 0; i < k; i++) {
        S_ref_line l = S_ref_measure(r, i, s, ends[i]);
        total += S_ref_line_demerits(r, &l, ends[i], fit, hyph);
        if (max_r && i + 1 < k && fabs(l.ratio) > *max_r)
            *max_r = fabs(l.ratio);
        fit = l.fit;
        const qr_item *it = &r->p->v[ends[i]];
        hyph = it->type == QR_ITEM_PENALTY && it->flagged;
        s = S_ref_next_start(r, ends[i]);
    }
    return total;
}

/* First fit: each line ends at the last legal break where it fits at its
 * natural width (or the first break at all when nothing fits). Returns the
 * number of lines. */
static size_t S_ref_greedy(const S_ref *r, size_t *ends, size_t max)
{
    size_t k = 0, s = 0;
    while (k < max) {
        size_t last = SIZE_MAX;
        for (size_t e = s; e < r->p->n; e++) {
            if (!S_ref_legal(r, e))
                continue;
            S_ref_line l = S_ref_measure(r, k, s, e);
            if (l.natural > S_ref_width(r, k) && last != SIZE_MAX)
                break;
            last = e;
            if (r->p->v[e].type == QR_ITEM_PENALTY && r->p->v[e].penalty <= -QR_PENALTY_INF)
                break;
        }
        ends[k++] = last;
        if (last == r->p->n - 1)
            break;
        s = S_ref_next_start(r, last);
    }
    return k;
}

/*
 * The optimum over every breaking whose lines are feasible (badness within
 * the threshold, not overfull), by dynamic programming over (lines so far,
 * last break, fitness of the last line) — no active list, no pruning:
 * best[k] gets the fewest demerits with k lines (HUGE_VAL if none), best_k
 * the line count of the fewest demerits overall.
 */
#define S_MAX_LINES 64
typedef struct S_search {
    double best[S_MAX_LINES];
    size_t best_k;
    double best_total;
} S_search;

static void S_search_run(S_search *sr, const S_ref *r, double threshold)
{
    const S_para *p = r->p;
    if (threshold > 10000)
        threshold = 10000;
    /* breaks: bk[0] is the paragraph's start, then every legal breakpoint */
    size_t *bk = xmalloc((p->n + 1) * sizeof *bk), nb = 1;
    bk[0] = SIZE_MAX;
    for (size_t i = 0; i < p->n; i++)
        if (S_ref_legal(r, i))
            bk[nb++] = i;
    /* dp[(k * nb + j) * 4 + f]: k lines ending at break j, the last of fitness f */
    size_t cells = S_MAX_LINES * nb * 4;
    double *dp = xmalloc(cells * sizeof *dp);
    for (size_t i = 0; i < cells; i++)
        dp[i] = HUGE_VAL;
    dp[(0 * nb + 0) * 4 + 2] = 0;
    for (size_t i = 0; i < S_MAX_LINES; i++)
        sr->best[i] = HUGE_VAL;
    sr->best_total = HUGE_VAL;
    sr->best_k = 0;
    for (size_t k = 0; k + 1 < S_MAX_LINES; k++) {
        for (size_t j = 0; j < nb; j++) {
            for (int f = 0; f < 4; f++) {
                double t0 = dp[(k * nb + j) * 4 + (size_t)f];
                if (t0 == HUGE_VAL)
                    continue;
                size_t s = j == 0 ? 0 : S_ref_next_start(r, bk[j]);
                int hyph = j > 0 && p->v[bk[j]].type == QR_ITEM_PENALTY && p->v[bk[j]].flagged;
                if (j > 0 && bk[j] == p->n - 1)
                    continue; /* the paragraph has ended */
                for (size_t e = j + 1; e < nb; e++) {
                    if (bk[e] < s)
                        continue;
                    const qr_item *it = &p->v[bk[e]];
                    S_ref_line l = S_ref_measure(r, k, s, bk[e]);
                    if (l.overfull)
                        break;
                    if (l.bad <= threshold) {
                        double t = t0 + S_ref_line_demerits(r, &l, bk[e], f, hyph);
                        double *cell = &dp[((k + 1) * nb + e) * 4 + (size_t)l.fit];
                        if (t < *cell)
                            *cell = t;
                    }
                    if (it->type == QR_ITEM_PENALTY && it->penalty <= -QR_PENALTY_INF)
                        break;
                }
            }
        }
    }
    for (size_t k = 1; k < S_MAX_LINES; k++)
        for (int f = 0; f < 4; f++) {
            double t = dp[(k * nb + nb - 1) * 4 + (size_t)f];
            if (bk[nb - 1] == p->n - 1 && t < sr->best[k])
                sr->best[k] = t;
        }
    for (size_t k = 1; k < S_MAX_LINES; k++)
        if (sr->best[k] < sr->best_total) {
            sr->best_total = sr->best[k];
            sr->best_k = k;
        }
    free(dp);
    free(bk);
}

/* Helpers. ---------------------------------------------------------------- */

static size_t S_break(const S_para *p, double width, const S_widths *ws, const qr_break_params *bp,
                      qr_line **lines, qr_break_stats *st)
{
    qr_error err;
    qr_error_clear(&err);
    size_t k =
        qr_break_lines(p->v, p->n, width, ws ? S_width_cb : NULL, (void *)ws, bp, lines, st, &err);
    if (k == 0)
        qt_fail(__FILE__, __LINE__, "qr_break_lines: %s", err.msg);
    return k;
}

/* Whether some line ends at item e. */
static int S_ends_at(const qr_line *lines, size_t k, size_t e)
{
    for (size_t i = 0; i < k; i++)
        if (lines[i].end == e)
            return 1;
    return 0;
}

static int S_count_hyphenated(const qr_line *lines, size_t k)
{
    int h = 0;
    for (size_t i = 0; i < k; i++)
        h += lines[i].hyphenated;
    return h;
}

/* Lines cover the items in order: each starts after the previous break,
 * past the discarded items, and the last ends at the final break. */
static void S_check_cover(const S_ref *r, const qr_line *lines, size_t k)
{
    size_t s = 0;
    for (size_t i = 0; i < k; i++) {
        CHECK_INT_EQ(lines[i].start, s);
        CHECK(lines[i].end >= lines[i].start);
        CHECK(S_ref_legal(r, lines[i].end) ||
              (r->p->v[lines[i].end].type == QR_ITEM_PENALTY && r->p->v[lines[i].end].flagged));
        s = S_ref_next_start(r, lines[i].end);
    }
    CHECK_INT_EQ(lines[k - 1].end, r->p->n - 1);
}

/* A deterministic generator (xorshift32). */
static uint32_t S_rand(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Random text: `words` words of 1..12 letters, some with hyphenation
 * points, some followed by a good break ('!'); ragged: spaces are '^'.
 * Written to buf. */
static void S_random_text(uint32_t *seed, int words, int hyphens, int ragged, char *buf,
                          size_t size)
{
    size_t len = 0;
    for (int w = 0; w < words && len + 32 < size; w++) {
        if (w > 0) {
            if (S_rand(seed) % 8 == 0)
                buf[len++] = '!';
            buf[len++] = ragged ? '^' : ' ';
        }
        int n = 1 + (int)(S_rand(seed) % 12);
        for (int i = 0; i < n; i++) {
            if (hyphens && i >= 2 && i <= n - 2 && S_rand(seed) % 3 == 0)
                buf[len++] = '-';
            buf[len++] = 'a' + (char)(S_rand(seed) % 26);
        }
    }
    buf[len] = 0;
}

/* The cases. -------------------------------------------------------------- */

/*
 * Against the optimum over every breaking (S_search_run), on random
 * paragraphs (hyphens, good breaks, ragged-right spaces; lines of three
 * widths, with and without uniform_from; various tolerances): the same
 * demerits, which the lines measured independently add up to; and with
 * looseness -2..2, the feasible line count nearest optimum + looseness at
 * the fewest demerits for that count.
 */
static void test_optimal_random(void)
{
    uint32_t seed = 12345;
    int compared = 0, loose_compared = 0;
    for (int round = 0; round < 600; round++) {
        char text[1024];
        S_random_text(&seed, 6 + (int)(S_rand(&seed) % 14), round % 2, round % 4 == 3, text,
                      sizeof text);
        S_para p = S_make(text);
        S_widths ws = {{0}, 0};
        int variable = round % 3 == 0;
        double width = 80 + (double)(S_rand(&seed) % 120);
        if (variable) {
            ws.n = 3;
            ws.w[0] = width - 20;
            ws.w[1] = width + 10;
            ws.w[2] = width;
        }
        static const double tolerances[] = {100, 200, 1000, 10000};
        qr_break_params bp;
        qr_break_params_default(&bp);
        bp.pretolerance = -1;
        if (variable && round % 2)
            bp.uniform_from = 2; /* lines 2.. are all `width` */
        bp.tolerance = tolerances[S_rand(&seed) % 4];
        if (round % 5 == 0)
            bp.adj_demerits = 0;
        if (round % 7 == 0)
            bp.line_penalty = 100;
        S_ref r = {&p, width, variable ? &ws : NULL, &bp, 0, 0};
        S_search sr;
        S_search_run(&sr, &r, bp.tolerance);

        qr_line *lines = NULL;
        qr_break_stats st;
        size_t k = S_break(&p, width, variable ? &ws : NULL, &bp, &lines, &st);
        if (sr.best_total < HUGE_VAL) {
            compared++;
            CHECK_INT_EQ(k, sr.best_k);
            CHECK(st.demerits == sr.best_total);
            size_t ends[64];
            for (size_t i = 0; i < k && i < 64; i++) {
                ends[i] = lines[i].end;
                CHECK(!lines[i].overfull);
            }
            CHECK(S_ref_demerits(&r, ends, k, NULL) == st.demerits);
            S_check_cover(&r, lines, k);
            if (qt_verbose() && st.demerits != sr.best_total)
                fprintf(stderr, "round %d: \"%s\" width %g tol %g: %g vs %g\n", round, text, width,
                        bp.tolerance, st.demerits, sr.best_total);
            /* looseness: the feasible line count nearest optimum + L, the
             * fewest demerits for that count */
            for (int L = -2; L <= 2; L += 1) {
                if (L == 0)
                    continue;
                size_t want = sr.best_k;
                for (int d = L; d != 0; d += L > 0 ? -1 : 1) {
                    long c = (long)sr.best_k + d;
                    if (c > 0 && c < S_MAX_LINES && sr.best[c] < HUGE_VAL) {
                        want = (size_t)c;
                        break;
                    }
                }
                bp.looseness = L;
                qr_line *l2 = NULL;
                qr_break_stats st2;
                size_t k2 = S_break(&p, width, variable ? &ws : NULL, &bp, &l2, &st2);
                CHECK_INT_EQ(k2, want);
                CHECK(st2.demerits == sr.best[want]);
                loose_compared++;
                free(l2);
            }
        }
        free(lines);
        free(p.v);
    }
    /* the generator must give feasible paragraphs often enough to matter */
    if (qt_verbose())
        fprintf(stderr, "compared %d, looseness %d\n", compared, loose_compared);
    CHECK(compared > 250);
    CHECK(loose_compared > 1000);
}

/*
 * The passes (TeX §863): the first pass (pretolerance, no hyphenation) when
 * it finds a breaking, else the second (tolerance), else the emergency
 * pass; each result the optimum of its pass. With none, the fallback still
 * breaks the paragraph.
 */
static void test_passes_random(void)
{
    uint32_t seed = 777;
    int by_pass[4] = {0, 0, 0, 0};
    for (int round = 0; round < 600; round++) {
        char text[1024];
        S_random_text(&seed, 6 + (int)(S_rand(&seed) % 14), round % 3 != 0, round % 5 == 4, text,
                      sizeof text);
        S_para p = S_make(text);
        double width = 80 + (double)(S_rand(&seed) % 120);
        static const double tolerances[] = {100, 200, 1000};
        qr_break_params bp;
        qr_break_params_default(&bp);
        bp.tolerance = tolerances[S_rand(&seed) % 3];
        bp.pretolerance = round % 4 == 0 ? 50 : 100;
        bp.emergency_stretch = round % 2 ? 0 : 15;
        S_ref r1 = {&p, width, NULL, &bp, 1, 0};
        S_ref r2 = {&p, width, NULL, &bp, 0, 0};
        S_ref r3 = {&p, width, NULL, &bp, 0, bp.emergency_stretch};
        S_search s1, s2, s3;
        S_search_run(&s1, &r1, bp.pretolerance);
        S_search_run(&s2, &r2, bp.tolerance);
        S_search_run(&s3, &r3, bp.tolerance);
        int want = 0;
        const S_search *sr = NULL;
        if (s1.best_total < HUGE_VAL)
            want = 1, sr = &s1;
        else if (s2.best_total < HUGE_VAL)
            want = 2, sr = &s2;
        else if (bp.emergency_stretch > 0 && s3.best_total < HUGE_VAL)
            want = 3, sr = &s3;
        by_pass[want]++;

        qr_line *lines = NULL;
        qr_break_stats st;
        size_t k = S_break(&p, width, NULL, &bp, &lines, &st);
        S_check_cover(&r2, lines, k);
        if (sr) {
            CHECK_INT_EQ(st.passes, want);
            CHECK_INT_EQ(k, sr->best_k);
            CHECK(st.demerits == sr->best_total);
            if (want == 1)
                CHECK_INT_EQ(S_count_hyphenated(lines, k), 0);
        } else {
            /* the final pass's fallback: still a breaking, with some line
             * outside the tolerance */
            CHECK_INT_EQ(st.passes, bp.emergency_stretch > 0 ? 3 : 2);
            int bad = 0;
            for (size_t i = 0; i < k; i++)
                if (lines[i].overfull || lines[i].badness > bp.tolerance)
                    bad = 1;
            CHECK(bad);
        }
        free(lines);
        free(p.v);
    }
    if (qt_verbose())
        fprintf(stderr, "by pass: fallback %d, 1: %d, 2: %d, 3: %d\n", by_pass[0], by_pass[1],
                by_pass[2], by_pass[3]);
    CHECK(by_pass[0] > 20);
    CHECK(by_pass[1] > 50);
    CHECK(by_pass[2] > 50);
    CHECK(by_pass[3] > 10);
}

/* The first paragraph of Grimm's "The Frog King", Knuth and Plass's
 * example, with some hyphenation points ('-') and an explicit hyphen
 * ('='). */
static const char S_frog_king[] =
    "In ol-den times when wish-ing still helped one, there lived a king whose daugh-ters "
    "were all beau-ti-ful; and the young-est was so beau-ti-ful that the sun it-self, which "
    "has seen so many things, was as-ton-ished when-ever it shone in her face. Close by the "
    "king's cas-tle lay a great dark for-est, and un-der an old lime=tree in the for-est "
    "was a well, and when the day was very warm, the king's child went out into the for-est "
    "and sat down by the side of the cool foun-tain; and when she was bored she took a "
    "gold-en ball, and threw it up on high and caught it; and this ball was her fa-vor-ite "
    "play-thing.";

/* Whether the line's glue, set by its ratio, fills the measure exactly. */
static int S_fills(const S_ref *r, const qr_line *l, size_t line, double width)
{
    S_ref_line m = S_ref_measure(r, line, l->start, l->end);
    double set = l->natural + l->ratio * (l->ratio > 0 ? m.stretch : m.shrink);
    return fabs(set - width) < 1e-6 && fabs(m.natural - l->natural) < 1e-9;
}

/*
 * "shone was all one forest castle when in close", measure 150: words at
 * the even items 0..16, spaces at the odd ones, the end at 17..19.
 * Worked by hand (TeX §108, §817, §859):
 *   - the first six words and five spaces: 25+15+15+15+30+30 + 25 = 155,
 *     5 pt too wide; shrink 5 * 5/3, r = -0.6; badness 100 * 0.6^3 = 21.6,
 *     22: tight; demerits (10 + 22)^2 = 1024;
 *   - "when in close", 65 pt and \\parfillskip: badness 0, decent, one
 *     class from tight so no adj_demerits: 10^2 = 100. Total 1124;
 *   - first fit stops after "forest" (120 pt): r = 30 / 10 = 3, badness
 *     2700, very loose: (10 + 2700)^2 = 7344100; adj_demerits twice
 *     (decent start, very loose, decent) and 100: 7364200.
 */
static void test_hand_checked(void)
{
    S_para p = S_make("shone was all one forest castle when in close");
    CHECK_INT_EQ(p.n, 20);
    qr_break_params bp;
    qr_break_params_default(&bp);
    qr_line *lines = NULL;
    qr_break_stats st;
    size_t k = S_break(&p, 150, NULL, NULL, &lines, &st);
    CHECK_INT_EQ(k, 2);
    if (k == 2) {
        CHECK_INT_EQ(lines[0].start, 0);
        CHECK_INT_EQ(lines[0].end, 11);
        CHECK(fabs(lines[0].natural - 155) < 1e-9);
        CHECK(fabs(lines[0].ratio + 0.6) < 1e-9);
        CHECK_INT_EQ(lines[0].badness, 22);
        CHECK_INT_EQ(lines[0].fitness, 3);
        CHECK_INT_EQ(lines[1].start, 12);
        CHECK_INT_EQ(lines[1].end, 19);
        CHECK(fabs(lines[1].natural - 65) < 1e-9);
        CHECK(lines[1].ratio == 0);
        CHECK_INT_EQ(lines[1].badness, 0);
        CHECK_INT_EQ(lines[1].fitness, 2);
        CHECK(!lines[0].hyphenated && !lines[1].hyphenated);
        CHECK(!lines[0].overfull && !lines[1].overfull);
    }
    CHECK_INT_EQ(st.passes, 1);
    CHECK(st.demerits == 1124);

    S_ref r = {&p, 150, NULL, &bp, 0, 0};
    size_t ge[8];
    double gmax;
    CHECK_INT_EQ(S_ref_greedy(&r, ge, 8), 2);
    CHECK_INT_EQ(ge[0], 9);
    CHECK(S_ref_demerits(&r, ge, 2, &gmax) == 7364200);
    CHECK(fabs(gmax - 3) < 1e-9);
    free(lines);
    free(p.v);
}

/*
 * Total fit against first fit: first fit fills the first line with six
 * words (130 pt of 150, r = 1.6, badness 410: beyond the tolerance), then
 * a full line; Knuth–Plass squeezes a seventh word into the first line
 * (r = -0.5) and spreads the rest (r = 0.8).
 */
static void test_total_fit_vs_first_fit(void)
{
    S_para p = S_make("face so were one there lay when whose by dark helped seen so daughters");
    qr_break_params bp;
    qr_break_params_default(&bp);
    S_ref r = {&p, 150, NULL, &bp, 0, 0};
    size_t ge[16], ke[16] = {0};
    size_t gk = S_ref_greedy(&r, ge, 16);
    double gmax, kmax;
    double gd = S_ref_demerits(&r, ge, gk, &gmax);

    qr_line *lines = NULL;
    qr_break_stats st;
    size_t k = S_break(&p, 150, NULL, &bp, &lines, &st);
    for (size_t i = 0; i < k && i < 16; i++)
        ke[i] = lines[i].end;
    double kd = S_ref_demerits(&r, ke, k, &kmax);
    CHECK_INT_EQ(gk, 3);
    CHECK_INT_EQ(k, 3);
    CHECK(memcmp(ge, ke, 3 * sizeof *ge) != 0);
    CHECK_INT_EQ(ge[0], 11); /* after "lay" */
    CHECK_INT_EQ(ke[0], 13); /* after "when" */
    CHECK_INT_EQ(ke[1], 25); /* after "so" */
    CHECK(fabs(gmax - 1.6) < 1e-9);
    CHECK(fabs(kmax - 0.8) < 1e-9);
    CHECK(kmax < gmax);
    CHECK(kd == st.demerits);
    CHECK(kd == 14350);
    CHECK(gd == 196600);
    CHECK(kd < gd);
    for (size_t i = 0; i < k; i++) {
        CHECK(lines[i].badness <= bp.tolerance);
        if (i + 1 < k)
            CHECK(S_fills(&r, &lines[i], i, 150));
    }
    free(lines);
    free(p.v);
}

/* Index of the first penalty at or after `from` whose value is in
 * [at_least, at_most], or SIZE_MAX. */
static size_t S_find_penalty(const S_para *p, size_t from, int at_most, int at_least)
{
    for (size_t i = from; i < p->n; i++)
        if (p->v[i].type == QR_ITEM_PENALTY && p->v[i].penalty <= at_most &&
            p->v[i].penalty >= at_least)
            return i;
    return SIZE_MAX;
}

/* Forced breaks end lines; penalty 10000 and glue after glue never break;
 * checked over many measures. */
static void test_legal_breaks(void)
{
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.emergency_stretch = 20;

    /* a forced break (TeX's \\hfil\\break) ends a line at every measure */
    S_para p = S_make("the frog king|in olden times when wishing still helped one there lived");
    size_t forced = S_find_penalty(&p, 0, -QR_PENALTY_INF, -1000000);
    CHECK(forced < p.n - 1);
    for (double w = 60; w <= 400; w += 7) {
        qr_line *lines = NULL;
        qr_break_stats st;
        size_t k = S_break(&p, w, NULL, &bp, &lines, &st);
        S_ref r = {&p, w, NULL, &bp, 0, 0};
        S_check_cover(&r, lines, k);
        CHECK(S_ends_at(lines, k, forced));
        free(lines);
    }
    free(p.v);

    /* a tie: no break at the penalty nor at the glue after it; the same
     * text with a plain space breaks there at some measures */
    S_para tie = S_make("in olden times when wishing still~helped one there lived a king whose");
    S_para plain = S_make("in olden times when wishing still helped one there lived a king whose");
    size_t t = S_find_penalty(&tie, 0, QR_PENALTY_INF, QR_PENALTY_INF);
    CHECK(t < tie.n - 3 && tie.v[t + 1].type == QR_ITEM_GLUE);
    CHECK(plain.v[t].type == QR_ITEM_GLUE);
    int plain_breaks = 0;
    for (double w = 60; w <= 400; w += 3) {
        qr_line *lines = NULL;
        qr_break_stats st;
        size_t k = S_break(&tie, w, NULL, &bp, &lines, &st);
        CHECK(!S_ends_at(lines, k, t) && !S_ends_at(lines, k, t + 1));
        free(lines);
        k = S_break(&plain, w, NULL, &bp, &lines, &st);
        plain_breaks += S_ends_at(lines, k, t);
        free(lines);
    }
    CHECK(plain_breaks > 0);
    free(tie.v);
    free(plain.v);

    /* glue after glue is no breakpoint; after a (zero-width) box it is */
    S_para gg = {NULL, 0, 0}, gb = {NULL, 0, 0};
    S_text(&gg, "in olden times when");
    S_text(&gb, "in olden times when");
    S_glue(&gg, S_SPACE, S_STRETCH, S_SHRINK);
    S_glue(&gb, S_SPACE, S_STRETCH, S_SHRINK);
    S_box(&gb, 0);
    size_t second = gg.n;
    S_glue(&gg, 10, 20, 0);
    S_glue(&gb, 10, 20, 0);
    S_text(&gg, "wishing still helped one there lived a king whose daughters");
    S_text(&gb, "wishing still helped one there lived a king whose daughters");
    S_finish(&gg);
    S_finish(&gb);
    int gb_breaks = 0;
    for (double w = 60; w <= 400; w += 3) {
        qr_line *lines = NULL;
        qr_break_stats st;
        size_t k = S_break(&gg, w, NULL, &bp, &lines, &st);
        CHECK(!S_ends_at(lines, k, second));
        free(lines);
        k = S_break(&gb, w, NULL, &bp, &lines, &st);
        gb_breaks += S_ends_at(lines, k, second + 1);
        free(lines);
    }
    CHECK(gb_breaks > 0);
    free(gg.v);
    free(gb.v);
}

/*
 * Hyphenation: the first pass (pretolerance 100) breaks this without
 * hyphens; from the second pass on, the hyphen in "ol-den" gives a lower
 * total, and is used; without the hyphenation points the second pass
 * does worse. An explicit hyphen ('=') is tried in the first pass too.
 */
static void test_hyphenation(void)
{
    static const char text[] = "wish-ing young-est when-ever ol-den tree tree cas-tle sun lay "
                               "seen were it-self";
    S_para p = S_make(text);
    qr_break_params bp;
    qr_break_params_default(&bp);
    qr_line *l1 = NULL, *l2 = NULL, *l3 = NULL;
    qr_break_stats s1, s2, s3;

    size_t k1 = S_break(&p, 150, NULL, &bp, &l1, &s1);
    CHECK_INT_EQ(s1.passes, 1);
    CHECK_INT_EQ(S_count_hyphenated(l1, k1), 0);

    bp.pretolerance = -1;
    size_t k2 = S_break(&p, 150, NULL, &bp, &l2, &s2);
    CHECK_INT_EQ(s2.passes, 2);
    CHECK_INT_EQ(S_count_hyphenated(l2, k2), 1);
    CHECK(l2[0].hyphenated);
    CHECK_INT_EQ(l2[0].end, 13); /* wish ing young est when ever ol | den */
    CHECK(p.v[13].type == QR_ITEM_PENALTY && p.v[13].flagged);
    CHECK(s2.demerits < s1.demerits);
    /* the hyphen's width is in the line: 125 pt of letters, 15 of spaces, 5 */
    CHECK(fabs(l2[0].natural - 145) < 1e-9);
    S_ref r = {&p, 150, NULL, &bp, 0, 0};
    CHECK(S_fills(&r, &l2[0], 0, 150));
    /* the next line starts at "den" */
    CHECK_INT_EQ(l2[1].start, 14);

    S_para plain = S_make("wishing youngest whenever olden tree tree castle sun lay seen were "
                          "itself");
    size_t k3 = S_break(&plain, 150, NULL, &bp, &l3, &s3);
    CHECK(k3 > 0 && s3.demerits > s2.demerits);
    free(l1);
    free(l2);
    free(l3);
    free(plain.v);
    free(p.v);

    /* "ol=den": an explicit hyphen, a break the first pass may take */
    S_para ex = S_make("wish-ing young-est when-ever ol=den tree tree cas-tle sun lay seen were "
                       "it-self");
    qr_break_params_default(&bp);
    k1 = S_break(&ex, 150, NULL, &bp, &l1, &s1);
    CHECK_INT_EQ(s1.passes, 1);
    CHECK(k1 > 0 && l1[0].hyphenated);
    CHECK_INT_EQ(l1[0].end, 14);
    CHECK(s1.demerits == s2.demerits);
    free(l1);
    free(ex.v);
}

/* \\doublehyphendemerits: two hyphenated lines in a row would be best
 * without them; with them a slightly worse breaking is chosen. */
static void test_double_hyphen(void)
{
    S_para p = S_make("in sun frog ol-den sun daugh-ters face tree daugh-ters for-est shone");
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.pretolerance = -1;
    qr_line *l1 = NULL, *l2 = NULL;
    qr_break_stats s1, s2;
    size_t k1 = S_break(&p, 150, NULL, &bp, &l1, &s1);
    bp.double_hyphen_demerits = 0;
    size_t k2 = S_break(&p, 150, NULL, &bp, &l2, &s2);
    int run1 = 0, run2 = 0;
    for (size_t i = 0; i + 1 < k1; i++)
        run1 |= l1[i].hyphenated && l1[i + 1].hyphenated;
    for (size_t i = 0; i + 1 < k2; i++)
        run2 |= l2[i].hyphenated && l2[i + 1].hyphenated;
    CHECK(!run1);
    CHECK(run2);
    CHECK(S_count_hyphenated(l1, k1) >= 1);
    /* the alternative is worse than the double hyphen alone, and better
     * than it with its 10000 demerits */
    CHECK(s1.demerits > s2.demerits);
    CHECK(s1.demerits < s2.demerits + 10000);
    qr_break_params_default(&bp);
    S_ref r = {&p, 150, NULL, &bp, 0, 0};
    size_t e2[16];
    for (size_t i = 0; i < k2 && i < 16; i++)
        e2[i] = l2[i].end;
    CHECK(S_ref_demerits(&r, e2, k2, NULL) == s2.demerits + 10000);
    free(l1);
    free(l2);
    free(p.v);
}

/* \\finalhyphendemerits: the penultimate line does not end hyphenated
 * when another breaking does almost as well. */
static void test_final_hyphen(void)
{
    S_para p = S_make("frog which ol-den daugh-ters in for-est it sun all dark when-ever has "
                      "great an");
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.pretolerance = -1;
    qr_line *l1 = NULL, *l2 = NULL;
    qr_break_stats s1, s2;
    size_t k1 = S_break(&p, 150, NULL, &bp, &l1, &s1);
    bp.final_hyphen_demerits = 0;
    size_t k2 = S_break(&p, 150, NULL, &bp, &l2, &s2);
    CHECK(k1 >= 2 && k2 >= 2);
    if (k1 >= 2 && k2 >= 2) {
        CHECK(!l1[k1 - 2].hyphenated);
        CHECK(l2[k2 - 2].hyphenated);
    }
    CHECK(s1.demerits > s2.demerits);
    CHECK(s1.demerits < s2.demerits + 5000);
    qr_break_params_default(&bp);
    S_ref r = {&p, 150, NULL, &bp, 0, 0};
    size_t e2[16];
    for (size_t i = 0; i < k2 && i < 16; i++)
        e2[i] = l2[i].end;
    CHECK(S_ref_demerits(&r, e2, k2, NULL) == s2.demerits + 5000);
    free(l1);
    free(l2);
    free(p.v);
}

/*
 * Emergency stretch: 18 words of 20 pt, spaces 5 pt plus 0.5 minus 0.5,
 * measure 150. Six words are 145 pt (r = 2, badness 800), seven are 170
 * (overfull): nothing fits the tolerance. With 20 pt of emergency stretch
 * the third pass sets 6 + 6 + 6 (the lines keep their real ratio, 2);
 * without, the final pass makes overfull lines.
 */
static void test_emergency(void)
{
    S_para p = {NULL, 0, 0};
    S_text_glue(&p,
                "abcd abcd abcd abcd abcd abcd abcd abcd abcd abcd abcd abcd abcd abcd "
                "abcd abcd abcd abcd",
                0.5, 0.5);
    S_finish(&p);
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.emergency_stretch = 20;
    qr_line *lines = NULL;
    qr_break_stats st;
    size_t k = S_break(&p, 150, NULL, &bp, &lines, &st);
    CHECK_INT_EQ(st.passes, 3);
    CHECK_INT_EQ(k, 3);
    if (k == 3) {
        CHECK_INT_EQ(lines[0].end, 11);
        CHECK_INT_EQ(lines[1].start, 12);
        CHECK_INT_EQ(lines[1].end, 23);
        for (int i = 0; i < 3; i++)
            CHECK(!lines[i].overfull);
        CHECK(fabs(lines[0].ratio - 2) < 1e-9);
        CHECK_INT_EQ(lines[0].badness, 800);
        CHECK(lines[2].ratio == 0);
    }
    free(lines);

    bp.emergency_stretch = 0;
    k = S_break(&p, 150, NULL, &bp, &lines, &st);
    CHECK_INT_EQ(st.passes, 2);
    int over = 0;
    for (size_t i = 0; i < k; i++)
        over += lines[i].overfull;
    CHECK(over > 0);
    free(lines);
    free(p.v);
}

/*
 * A box wider than the measure (a 40-letter word, 200 pt): one overfull
 * line, holding that box alone, 50 pt over; the lines before and after
 * are set within the tolerance.
 */
static void test_overfull_box(void)
{
    S_para p = S_make("shone was all one forest castle "
                      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx "
                      "when in close the frog king lived in olden times");
    size_t big = 12;
    CHECK(p.v[big].type == QR_ITEM_BOX && p.v[big].width == 200);
    qr_break_params bp;
    qr_break_params_default(&bp);
    qr_line *lines = NULL;
    qr_break_stats st;
    size_t k = S_break(&p, 150, NULL, &bp, &lines, &st);
    int over = 0;
    for (size_t i = 0; i < k; i++) {
        if (lines[i].overfull) {
            over++;
            CHECK_INT_EQ(lines[i].start, big);
            CHECK_INT_EQ(lines[i].end, big + 1);
            CHECK(fabs(lines[i].overflow - 50) < 1e-9);
            CHECK(fabs(lines[i].natural - 200) < 1e-9);
        } else {
            CHECK(lines[i].badness <= bp.tolerance);
        }
    }
    CHECK_INT_EQ(over, 1);
    CHECK(k >= 3);
    if (k >= 1)
        CHECK_INT_EQ(lines[0].end, 11); /* the hand-checked first line */
    S_ref r = {&p, 150, NULL, &bp, 0, 0};
    S_check_cover(&r, lines, k);
    free(lines);
    free(p.v);
}

/*
 * Looseness (TeX §875): the Frog King at 320 pt with tolerance 1000 takes
 * 10 lines at best, and can take 11 or 9, at a cost; with tolerance 200 it
 * cannot take 11, and looseness +1 gives back the optimum.
 */
static void test_looseness(void)
{
    S_para p = S_make(S_frog_king);
    qr_break_params bp;
    qr_break_params_default(&bp);
    /* one pass, so that the demerits compare (a looseness not met in the
     * first pass sends TeX on to the second) */
    bp.pretolerance = -1;
    bp.tolerance = 1000;
    qr_line *l0 = NULL, *lp = NULL, *lm = NULL;
    qr_break_stats s0, sp, sm;
    size_t k0 = S_break(&p, 320, NULL, &bp, &l0, &s0);
    bp.looseness = 1;
    size_t kp = S_break(&p, 320, NULL, &bp, &lp, &sp);
    bp.looseness = -1;
    size_t km = S_break(&p, 320, NULL, &bp, &lm, &sm);
    CHECK_INT_EQ(k0, 10);
    CHECK_INT_EQ(kp, k0 + 1);
    CHECK_INT_EQ(km, k0 - 1);
    CHECK(sp.demerits > s0.demerits);
    CHECK(sm.demerits > s0.demerits);
    S_ref r = {&p, 320, NULL, &bp, 0, 0};
    S_check_cover(&r, lp, kp);
    S_check_cover(&r, lm, km);
    for (size_t i = 0; i < kp; i++)
        CHECK(!lp[i].overfull && lp[i].badness <= bp.tolerance);
    for (size_t i = 0; i < km; i++)
        CHECK(!lm[i].overfull && lm[i].badness <= bp.tolerance);
    free(l0);
    free(lp);
    free(lm);

    /* tolerance 200: no breaking in 11 lines; +1 gives the optimum */
    bp.tolerance = 200;
    bp.looseness = 0;
    k0 = S_break(&p, 320, NULL, &bp, &l0, &s0);
    bp.looseness = 1;
    kp = S_break(&p, 320, NULL, &bp, &lp, &sp);
    CHECK_INT_EQ(kp, k0);
    CHECK(sp.demerits == s0.demerits);
    for (size_t i = 0; i < kp && i < k0; i++)
        CHECK_INT_EQ(lp[i].end, l0[i].end);
    free(l0);
    free(lp);
    free(p.v);

    /* one word cannot take two lines, nor none */
    S_para one = S_make("frog");
    for (int loose = -1; loose <= 1; loose += 2) {
        bp.looseness = loose;
        size_t k = S_break(&one, 150, NULL, &bp, &l0, &s0);
        CHECK_INT_EQ(k, 1);
        free(l0);
    }
    free(one.v);
}

/* Line widths through the callback: a first line 20 pt shorter. */
static void test_line_widths(void)
{
    S_para p = S_make(S_frog_king);
    qr_break_params bp;
    qr_break_params_default(&bp);
    S_widths ws = {{130, 150}, 2};
    qr_line *lv = NULL, *lu = NULL, *lc = NULL;
    qr_break_stats sv, su, sc;
    size_t kv = S_break(&p, 0, &ws, &bp, &lv, &sv);
    bp.uniform_from = 1; /* lines 1.. are all 150: active nodes merged */
    size_t ku = S_break(&p, 0, &ws, &bp, &lu, &su);
    S_break(&p, 150, NULL, &bp, &lc, &sc);
    CHECK(kv > 10);
    CHECK_INT_EQ(ku, kv);
    CHECK(su.demerits == sv.demerits);
    for (size_t i = 0; i < kv && i < ku; i++)
        CHECK(lv[i].end == lu[i].end);
    CHECK(su.active_max <= sv.active_max);
    CHECK(lv[0].end != lc[0].end);
    S_ref r = {&p, 0, &ws, &bp, 0, 0};
    S_check_cover(&r, lv, kv);
    for (size_t i = 0; i + 1 < kv; i++) {
        CHECK(!lv[i].overfull);
        CHECK(S_fills(&r, &lv[i], i, i == 0 ? 130 : 150));
    }
    CHECK(lv[0].natural <= 130 + 10); /* at most its shrink over */
    free(lv);
    free(lu);
    free(lc);
    free(p.v);
}

/* Sets a line by its ratio: natural width less its hangs, plus its glue's
 * stretch or shrink (what qr_para_place_line draws). */
static double S_set_width(const S_para *p, const qr_line *ln)
{
    double y = 0, z = 0;
    for (size_t i = ln->start; i < ln->end; i++)
        if (p->v[i].type == QR_ITEM_GLUE) {
            y += p->v[i].stretch;
            z += p->v[i].shrink;
        }
    return ln->natural - ln->left - ln->right + ln->ratio * (ln->ratio > 0 ? y : z);
}

/*
 * Character protrusion (pdfTeX's margin kerning): a line is measured as its
 * natural width less the hang of its first box (lp) and of its last box
 * or added hyphen (rp). A line ending in a full stop that is 4 pt too wide
 * without protrusion (overfull: 3.33 pt of shrink) fits exactly with a
 * 4 pt hang; a line ending in a hyphen is set tighter than it could be
 * without; the next line's first box hangs left.
 */
static void test_protrusion(void)
{
    qr_break_params bp;
    qr_break_params_default(&bp);
    /* "aaaaa bbbbb cccc." then a forced break, "dd" */
    S_para p = {NULL, 0, 0};
    S_box(&p, 25);
    S_glue(&p, S_SPACE, S_STRETCH, S_SHRINK);
    S_box(&p, 25);
    S_glue(&p, S_SPACE, S_STRETCH, S_SHRINK);
    S_box(&p, 30);
    p.v[p.n - 1].rp = 4; /* the full stop */
    S_penalty(&p, -QR_PENALTY_INF, 0, 0);
    S_box(&p, 10);
    p.v[p.n - 1].lp = 1.5; /* an opening quote */
    S_finish(&p);
    qr_line *on = NULL, *off = NULL;
    CHECK_INT_EQ(S_break(&p, 86, NULL, &bp, &on, NULL), 2);
    CHECK(fabs(on[0].right - 4) < 1e-9 && on[0].left == 0);
    CHECK(fabs(on[0].natural - 90) < 1e-9);
    CHECK(!on[0].overfull && on[0].badness == 0);
    CHECK(fabs(S_set_width(&p, &on[0]) - 86) < 1e-9);
    CHECK(fabs(on[1].left - 1.5) < 1e-9);
    /* the same items with no hang: 4 pt over, 3.33 pt of shrink */
    S_para q = {xmalloc(p.n * sizeof *p.v), p.n, p.n};
    memcpy(q.v, p.v, p.n * sizeof *p.v);
    for (size_t i = 0; i < q.n; i++)
        q.v[i].lp = q.v[i].rp = 0;
    CHECK_INT_EQ(S_break(&q, 86, NULL, &bp, &off, NULL), 2);
    CHECK(off[0].overfull && off[0].right == 0 && off[1].left == 0);
    CHECK(on[0].badness <= off[0].badness);
    free(on);
    free(off);
    free(p.v);
    free(q.v);

    /* "aaaaa bbbbb ccccc-ddddd": the hyphen (5 pt) hangs 3.5 pt */
    p = (S_para){NULL, 0, 0};
    S_box(&p, 25);
    S_glue(&p, S_SPACE, S_STRETCH, S_SHRINK);
    S_box(&p, 25);
    S_glue(&p, S_SPACE, S_STRETCH, S_SHRINK);
    S_box(&p, 25);
    S_penalty(&p, 50, QR_FLAG_HYPHEN, S_CHAR);
    p.v[p.n - 1].rp = 3.5;
    S_box(&p, 25);
    S_finish(&p);
    q = (S_para){xmalloc(p.n * sizeof *p.v), p.n, p.n};
    memcpy(q.v, p.v, p.n * sizeof *p.v);
    q.v[5].rp = 0;
    CHECK_INT_EQ(S_break(&p, 87, NULL, &bp, &on, NULL), 2);
    CHECK_INT_EQ(S_break(&q, 87, NULL, &bp, &off, NULL), 2);
    CHECK(on[0].hyphenated && on[0].end == 5 && off[0].end == 5);
    CHECK(fabs(on[0].right - 3.5) < 1e-9);
    CHECK(fabs(S_set_width(&p, &on[0]) - 87) < 1e-9);
    CHECK(fabs(S_set_width(&q, &off[0]) - 87) < 1e-9);
    CHECK(on[0].badness < off[0].badness); /* 0 (0.5 pt of 5 stretch) vs 73 (3 of 3.33 shrink) */
    /* a box inside a line hangs nothing */
    p.v[0].rp = 9;
    p.v[2].lp = 9;
    free(on);
    CHECK_INT_EQ(S_break(&p, 87, NULL, &bp, &on, NULL), 2);
    CHECK(fabs(on[0].right - 3.5) < 1e-9 && on[0].left == 0);
    free(on);
    free(off);
    free(p.v);
    free(q.v);

    /* "aaaaa bb." alone on an 80 pt line: far looser than the tolerance
     * (44 pt short, 2.5 pt of stretch), it is not loosened by 4 pt more to
     * hang its full stop */
    p = (S_para){NULL, 0, 0};
    S_box(&p, 25);
    S_glue(&p, S_SPACE, S_STRETCH, S_SHRINK);
    S_box(&p, 10);
    p.v[p.n - 1].rp = 4;
    S_penalty(&p, -QR_PENALTY_INF, 0, 0);
    S_box(&p, 10);
    S_finish(&p);
    CHECK_INT_EQ(S_break(&p, 80, NULL, &bp, &on, NULL), 2);
    CHECK(on[0].right == 0 && on[0].badness > bp.tolerance);
    CHECK(fabs(S_set_width(&p, &on[0]) - 80) < 1e-9);
    CHECK(fabs(on[0].ratio - 40 / S_STRETCH) < 1e-9);
    free(on);
    free(p.v);
}

/* Sets a line with its font expansion: the glyphs (ex) scaled, then the
 * glue by the ratio, the hangs scaled with their glyphs. */
static double S_set_width_ex(const S_para *p, const qr_line *ln)
{
    double x = 0;
    for (size_t i = ln->start; i < ln->end; i++)
        if (p->v[i].type == QR_ITEM_BOX)
            x += p->v[i].ex;
    if (ln->end < p->n && p->v[ln->end].type == QR_ITEM_PENALTY)
        x += p->v[ln->end].ex;
    return S_set_width(p, ln) + ln->expansion * (x - ln->left - ln->right);
}

/* "aaaaa bbbbb ccccc" (glyphs that may expand), a forced break, "dd". */
static S_para S_expandable(void)
{
    S_para p = {NULL, 0, 0};
    for (int w = 0; w < 3; w++) {
        if (w > 0)
            S_glue(&p, S_SPACE, S_STRETCH, S_SHRINK);
        S_box(&p, 25);
        p.v[p.n - 1].ex = 25;
    }
    S_penalty(&p, -QR_PENALTY_INF, 0, 0);
    S_box(&p, 10);
    p.v[p.n - 1].ex = 10;
    S_finish(&p);
    return p;
}

/*
 * Font expansion (pdfTeX's hz): a line's glyphs take up its shortfall
 * before its glue, in whole steps toward zero, within the limit; the glue
 * sets what is left. 75 pt of glyphs, 10 pt of spaces (5 stretch, 3.33
 * shrink) on a line of 87 pt: 2 % (1.5 pt), the glue 0.5 pt; on 85.6 pt:
 * one step of 0.5 % (0.375 pt), not 0.8 %; on 83 pt: 2 % narrower; on 81
 * pt, overfull without expansion, it fits. A paragraph's last line is not
 * widened; a rigid box does not expand; with expansion 0 nothing does.
 */
static void test_expansion(void)
{
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.expansion = 2;
    bp.expansion_step = 0.5;
    S_para p = S_expandable();
    static const struct {
        double width, expansion, ratio;
    } cases[] = {
        {87, 0.02, 0.5 / 5},
        {85.6, 0.005, (0.6 - 0.375) / 5},
        {85.2, 0, 0.2 / 5},
        {83, -0.02, -0.5 / (2 * S_SHRINK)},
        {81, -0.02, -2.5 / (2 * S_SHRINK)},
    };
    for (size_t i = 0; i < QR_ARRAY_LEN(cases); i++) {
        qr_line *l = NULL;
        CHECK_INT_EQ(S_break(&p, cases[i].width, NULL, &bp, &l, NULL), 2);
        if (fabs(l[0].expansion - cases[i].expansion) > 1e-9 ||
            fabs(l[0].ratio - cases[i].ratio) > 1e-9 || l[0].overfull)
            qt_fail(__FILE__, __LINE__, "%.1f pt: expansion %g, ratio %g (want %g, %g)%s",
                    cases[i].width, l[0].expansion, l[0].ratio, cases[i].expansion, cases[i].ratio,
                    l[0].overfull ? ", overfull" : "");
        CHECK(fabs(S_set_width_ex(&p, &l[0]) - cases[i].width) < 1e-9);
        CHECK(l[1].expansion == 0); /* the last line, "dd", keeps its width */
        free(l);
    }
    /* without expansion the 81 pt line is overfull, the 87 pt one looser */
    qr_line *l = NULL;
    bp.expansion = 0;
    CHECK_INT_EQ(S_break(&p, 81, NULL, &bp, &l, NULL), 2);
    CHECK(l[0].overfull && l[0].expansion == 0);
    free(l);
    CHECK_INT_EQ(S_break(&p, 87, NULL, &bp, &l, NULL), 2);
    CHECK(l[0].expansion == 0 && fabs(l[0].ratio - 2.0 / 5) < 1e-9);
    free(l);
    /* a rigid first box (an indent, ex 0): only 50 pt of glyphs expand */
    bp.expansion = 2;
    p.v[0].ex = 0;
    CHECK_INT_EQ(S_break(&p, 87, NULL, &bp, &l, NULL), 2);
    CHECK(fabs(l[0].expansion - 0.02) < 1e-9 && fabs(l[0].ratio - 1.0 / 5) < 1e-9);
    CHECK(fabs(S_set_width_ex(&p, &l[0]) - 87) < 1e-9);
    free(l);
    free(p.v);
}

/* The longest run of hyphenated lines. */
static int S_hyphen_run(const qr_line *lines, size_t k)
{
    int run = 0, longest = 0;
    for (size_t i = 0; i < k; i++) {
        run = lines[i].hyphenated ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest;
}

/*
 * consecutive_hyphens: a limit on hyphenated lines in a row. A paragraph
 * of long hyphenatable words, with no double-hyphen demerits, ends three
 * lines in a row hyphenated on a 160 pt measure; with a limit of 2 (or 1)
 * no run is longer, every line is still within the tolerance, and more
 * demerits are paid for it. On 150 pt no breaking within the tolerance
 * keeps the limit: in the final pass it gives way (priced above every
 * breaking that keeps it) rather than make a line overfull. A cut in a
 * word wider than the measure (QR_FLAG_CUT) is outside the limit.
 */
static void test_consecutive_hyphens(void)
{
    S_para p = S_make("in ol-den-est daugh-ter-ing for-est-ed king-dom-ly won-der-ful-ly "
                      "daugh-ter-ing ol-den-est for-est-ed won-der-ful-ly king-dom-ly the "
                      "daugh-ter-ing for-est-ed ol-den-est won-der-ful-ly");
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.pretolerance = -1;
    bp.double_hyphen_demerits = 0;
    bp.final_hyphen_demerits = 0;
    bp.adj_demerits = 0;
    qr_line *l = NULL;
    qr_break_stats free_st, lim_st;
    size_t k = S_break(&p, 160, NULL, &bp, &l, &free_st);
    int unlimited = S_hyphen_run(l, k);
    if (unlimited < 3)
        qt_fail(__FILE__, __LINE__, "the test paragraph has a hyphen run of %d (want 3+)",
                unlimited);
    free(l);
    for (int limit = 2; limit >= 1; limit--) {
        bp.consecutive_hyphens = limit;
        k = S_break(&p, 160, NULL, &bp, &l, &lim_st);
        CHECK(S_hyphen_run(l, k) <= limit);
        CHECK(S_count_hyphenated(l, k) >= 1);
        CHECK(lim_st.demerits > free_st.demerits);
        for (size_t i = 0; i < k; i++)
            CHECK(!l[i].overfull && l[i].badness <= bp.tolerance);
        free(l);
    }
    bp.consecutive_hyphens = 2;
    k = S_break(&p, 150, NULL, &bp, &l, NULL);
    CHECK(S_hyphen_run(l, k) > 2);
    for (size_t i = 0; i < k; i++)
        CHECK(!l[i].overfull);
    free(l);
    /* cuts: a word of 60 letters cut every 10 pt, on a 45 pt measure that
     * four pieces and a hyphen fill exactly: 7 lines cut in a row, found
     * by the second pass (the limit would have barred them there) */
    S_para c = {NULL, 0, 0};
    for (int i = 0; i < 30; i++) {
        S_box(&c, 10);
        if (i + 1 < 30)
            S_penalty(&c, 5000, QR_FLAG_CUT, S_CHAR);
    }
    S_finish(&c);
    bp.consecutive_hyphens = 1;
    bp.emergency_stretch = 10;
    qr_break_stats cut_st;
    k = S_break(&c, 45, NULL, &bp, &l, &cut_st);
    CHECK_INT_EQ(cut_st.passes, 2);
    CHECK_INT_EQ(k, 8);
    CHECK_INT_EQ(S_hyphen_run(l, k), 7);
    for (size_t i = 0; i < k; i++)
        CHECK(!l[i].overfull && l[i].badness == 0);
    free(l);
    free(c.v);
    free(p.v);
}

/* One word: one line, at its natural width. */
static void test_one_word(void)
{
    S_para p = S_make("frog");
    qr_line *lines = NULL;
    qr_break_stats st;
    size_t k = S_break(&p, 150, NULL, NULL, &lines, &st);
    CHECK_INT_EQ(k, 1);
    CHECK_INT_EQ(lines[0].start, 0);
    CHECK_INT_EQ(lines[0].end, p.n - 1);
    CHECK(lines[0].natural == 20);
    CHECK(lines[0].ratio == 0);
    CHECK_INT_EQ(lines[0].badness, 0);
    CHECK(!lines[0].overfull && !lines[0].hyphenated);
    CHECK_INT_EQ(st.passes, 1);
    CHECK(st.demerits == 100);
    free(lines);
    free(p.v);
}

/* The end of the paragraph: without \\parfillskip and the forced break
 * the breaker adds them (dropping a trailing space); the last line then
 * ends at n. */
static void test_paragraph_end(void)
{
    const char *text = S_frog_king;
    S_para full = S_make(text);
    S_para bare = {NULL, 0, 0}, trail = {NULL, 0, 0};
    S_text(&bare, text);
    S_text(&trail, text);
    S_text(&trail, " ");
    qr_line *lf = NULL, *lb = NULL, *lt = NULL;
    qr_break_stats sf, sb, st;
    size_t kf = S_break(&full, 320, NULL, NULL, &lf, &sf);
    size_t kb = S_break(&bare, 320, NULL, NULL, &lb, &sb);
    size_t kt = S_break(&trail, 320, NULL, NULL, &lt, &st);
    CHECK(kf > 2);
    for (size_t i = 0; i < kf; i++)
        CHECK(!lf[i].overfull);
    CHECK_INT_EQ(kb, kf);
    CHECK_INT_EQ(kt, kf);
    CHECK(sb.demerits == sf.demerits && st.demerits == sf.demerits);
    for (size_t i = 0; i + 1 < kf && i + 1 < kb && i + 1 < kt; i++) {
        CHECK_INT_EQ(lb[i].end, lf[i].end);
        CHECK_INT_EQ(lt[i].end, lf[i].end);
    }
    if (kb == kf && kt == kf) {
        CHECK_INT_EQ(lb[kb - 1].end, bare.n);
        CHECK_INT_EQ(lt[kt - 1].end, trail.n);
        CHECK(lb[kb - 1].natural == lf[kf - 1].natural);
        CHECK(lt[kt - 1].natural == lf[kf - 1].natural); /* the trailing space is dropped */
        CHECK(lb[kb - 1].ratio == 0 && lt[kt - 1].ratio == 0);
    }
    free(lf);
    free(lb);
    free(lt);
    free(full.v);
    free(bare.v);
    free(trail.v);
}

static double S_nan_width(size_t line, void *ctx)
{
    QR_UNUSED(ctx);
    return line < 1 ? 100 : NAN;
}

static void test_errors(void)
{
    qr_error err;
    qr_line *lines = (qr_line *)&err;
    qr_item it = {.type = QR_ITEM_BOX, .width = 10};
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_break_lines(&it, 0, 100, NULL, NULL, NULL, &lines, NULL, &err), 0);
    CHECK(err.code != 0);
    CHECK(lines == NULL);

    qr_error_clear(&err);
    it.width = NAN;
    CHECK_INT_EQ(qr_break_lines(&it, 1, 100, NULL, NULL, NULL, &lines, NULL, &err), 0);
    CHECK(err.code != 0);
    CHECK_CONTAINS(err.msg, "item 0");

    qr_error_clear(&err);
    it.width = 10;
    CHECK_INT_EQ(qr_break_lines(&it, 1, INFINITY, NULL, NULL, NULL, &lines, NULL, &err), 0);
    CHECK(err.code != 0);

    S_para p = S_make(S_frog_king);
    qr_error_clear(&err);
    CHECK_INT_EQ(qr_break_lines(p.v, p.n, 0, S_nan_width, NULL, NULL, &lines, NULL, &err), 0);
    CHECK(err.code != 0);
    CHECK(lines == NULL);
    free(p.v);
}

/*
 * A long paragraph (the Frog King 150 times, about 24,000 items): the
 * active list stays small (no quadratic growth), every line is set, and a
 * callback with uniform_from finds the same optimum as without it.
 * (Speed is measured by hand, not here.)
 */
static void test_long_paragraph(void)
{
    S_para p = {NULL, 0, 0};
    for (int i = 0; i < 150; i++) {
        if (i > 0)
            S_text(&p, " ");
        S_text(&p, S_frog_king);
    }
    S_finish(&p);
    CHECK(p.n > 20000);
    qr_break_params bp;
    qr_break_params_default(&bp);
    bp.emergency_stretch = 15;
    qr_line *lines = NULL, *lu = NULL;
    qr_break_stats st, su;
    size_t k = S_break(&p, 300, NULL, &bp, &lines, &st);
    CHECK(k > 1000);
    CHECK(st.active_max < 100);
    S_ref r = {&p, 300, NULL, &bp, 0, 0};
    S_check_cover(&r, lines, k);
    for (size_t i = 0; i < k; i++)
        CHECK(!lines[i].overfull);

    S_widths ws = {{300}, 1};
    bp.uniform_from = 1;
    size_t ku = S_break(&p, 0, &ws, &bp, &lu, &su);
    CHECK_INT_EQ(ku, k);
    CHECK(su.demerits == st.demerits);
    CHECK(su.active_max < 100);
    free(lines);
    free(lu);
    free(p.v);
}

void suite_linebreak(void);
void suite_linebreak(void)
{
    qt_case("linebreak/hand-checked", test_hand_checked);
    qt_case("linebreak/total-fit-vs-first-fit", test_total_fit_vs_first_fit);
    qt_case("linebreak/legal-breaks", test_legal_breaks);
    qt_case("linebreak/hyphenation", test_hyphenation);
    qt_case("linebreak/double-hyphen", test_double_hyphen);
    qt_case("linebreak/final-hyphen", test_final_hyphen);
    qt_case("linebreak/emergency", test_emergency);
    qt_case("linebreak/overfull-box", test_overfull_box);
    qt_case("linebreak/looseness", test_looseness);
    qt_case("linebreak/line-widths", test_line_widths);
    qt_case("linebreak/one-word", test_one_word);
    qt_case("linebreak/protrusion", test_protrusion);
    qt_case("linebreak/expansion", test_expansion);
    qt_case("linebreak/consecutive-hyphens", test_consecutive_hyphens);
    qt_case("linebreak/paragraph-end", test_paragraph_end);
    qt_case("linebreak/errors", test_errors);
    qt_case("linebreak/long-paragraph", test_long_paragraph);
    qt_case("linebreak/optimal-random", test_optimal_random);
    qt_case("linebreak/passes-random", test_passes_random);
}
