/*
 * linebreak.h: Knuth and Plass's total-fit line breaker ("Breaking
 * Paragraphs into Lines", Software—Practice and Experience 11, 1981), as
 * TeX does it (The TeX Program, §813–§890). Pure: no fonts, no document
 * model; a paragraph is a list of boxes, glue and penalties.
 *
 * The item list. Boxes have a width. Glue has a width, a stretch and a
 * shrink; a stretch of QR_FIL / 2 or more (or INFINITY) is infinite, like
 * TeX's `fil`: a line holding such glue has badness 0 and its finite glue
 * keeps its natural width. Penalties have a value and the width added to a
 * line that ends there (a hyphen). Legal breakpoints (TeX §866, §868):
 *   - a glue immediately after a box (never at the start, never after glue
 *     or a penalty: a penalty QR_PENALTY_INF then glue is a tie, "~");
 *   - a penalty below QR_PENALTY_INF; one at or below -QR_PENALTY_INF is a
 *     forced break.
 * At a break the glue is dropped; the glue and non-forced penalties that
 * follow it up to the next box (or forced break) are dropped from the
 * start of the next line (TeX §879).
 *
 * The end of the paragraph (TeX §816). A list whose last item is a forced
 * break is taken as it is; it should end as TeX's do: ... box,
 * penalty(QR_PENALTY_INF), glue(0, +QR_FIL, 0), penalty(-QR_PENALTY_INF).
 * Otherwise the breaker acts as if those three items followed the list,
 * in place of its last item if that is a glue (TeX's line_break does
 * this); the last line's `end` is then n, and a dropped trailing glue
 * counts in no width. A forced break inside the paragraph should follow
 * a glue(0, +QR_FIL, 0) (TeX's \hfil\break), or the line it ends is
 * underfull and is taken only by the final pass's fallback.
 */
#ifndef QR_LINEBREAK_H
#define QR_LINEBREAK_H

#include <stddef.h>

#include "../base/base.h"

typedef enum { QR_ITEM_BOX = 0, QR_ITEM_GLUE, QR_ITEM_PENALTY } qr_item_type;
#define QR_PENALTY_INF 10000 /* a penalty >= this forbids a break; <= -this forces one */
#define QR_FIL 1e6           /* infinite stretch: glue stretch >= QR_FIL / 2 (TeX's fil) */
#define QR_HYPHEN_RUN_MAX 8  /* the largest consecutive_hyphens limit */

/* qr_item.flagged values. Any non-zero value makes a hyphenated break (for
 * the hyphen demerits); any but QR_FLAG_EXPLICIT is left out of the first
 * pass, which TeX runs before hyphenating (§863, §891). */
#define QR_FLAG_HYPHEN 1   /* a hyphenation point */
#define QR_FLAG_EXPLICIT 2 /* after an explicit hyphen or dash: tried in every pass */
#define QR_FLAG_CUT                                                                                \
    3 /* a cut in a word wider than the measure: tried in every pass,                              \
         and outside the consecutive_hyphens limit */

typedef struct qr_item {
    qr_item_type type;
    double width;   /* points; for a PENALTY: the width added if the line breaks there (a hyphen) */
    double stretch; /* GLUE */
    double shrink;  /* GLUE */
    int penalty;    /* PENALTY */
    int flagged;    /* PENALTY: a hyphenation break (for double-hyphen / final-hyphen demerits) */
    int user;       /* free for the caller (e.g. which glyph run a box is); ignored here */
    /* Character protrusion (pdfTeX's margin kerning), points: a BOX that
     * starts a line hangs `lp` into the left margin, one that ends a line
     * (before its break glue or a widthless penalty) hangs `rp` into the
     * right one; a PENALTY's `rp` is that of the hyphen it adds. A line is
     * measured as its natural width less these hangs. 0: no hang. */
    double lp, rp;
    /* Font expansion (pdfTeX's hz): the part of a BOX's width, or of a
     * PENALTY's hyphen, that is glyphs which may be set wider or narrower
     * (qr_break_params.expansion); 0: rigid (an indent, ideographs). */
    double ex;
} qr_item;

typedef struct qr_break_params {
    double tolerance;           /* TeX \tolerance: badness limit of the last passes (200) */
    double pretolerance;        /* \pretolerance: the first pass, without hyphenation breaks;
                                   < 0 skips that pass (100) */
    int line_penalty;           /* \linepenalty (10) */
    int hyphen_penalty;         /* \hyphenpenalty (50): for callers building items; kept here
                                   for reporting */
    int ex_hyphen_penalty;      /* \exhyphenpenalty (50): idem */
    int double_hyphen_demerits; /* \doublehyphendemerits (10000) */
    int final_hyphen_demerits;  /* \finalhyphendemerits (5000) */
    int adj_demerits;           /* \adjdemerits (10000): fitness classes more than one apart */
    int looseness;              /* \looseness: try for this many more (or fewer) lines */
    int protrusion;             /* for callers building items: give boxes their
                                   character protrusion (lp, rp); 0 by default */
    double emergency_stretch;   /* \emergencystretch, points, for a third pass (0: none;
                                   callers will pass about 1.5 em) */
    /* Font expansion (pdfTeX's \pdfadjustspacing 2, microtype's
     * expansion): a line's glyphs (the items' `ex`) may be set up to
     * `expansion` percent wider or narrower, in steps of `expansion_step`
     * percent, and take up what they can of the line's shortfall before
     * its glue does (pdfTeX's adjust_shortfall: the glue's badness is of
     * what is left). 0 (TeX's default): none. */
    double expansion;
    double expansion_step;
    /* At most this many hyphenated lines in a row (a hard limit on top of
     * double_hyphen_demerits; the final pass's overfull fallback alone
     * may pass it). 0 (TeX's default): no limit; at most QR_HYPHEN_RUN_MAX. */
    int consecutive_hyphens;
    /*
     * With a line_width callback only: when non-zero, every line numbered
     * uniform_from or later (0-based) has the width of line uniform_from,
     * so active nodes past it are merged by fitness alone (TeX §848's
     * easy_line; e.g. 1 for an indented first line). 0 (the default) means
     * unknown: every line number is kept apart, which is always correct
     * but keeps many more active nodes in a long paragraph.
     */
    size_t uniform_from;
} qr_break_params;

/* TeX's plain defaults (above). */
void qr_break_params_default(qr_break_params *p);

typedef struct qr_line {
    /* Index of the first item of the line, after the glue and penalties
     * discarded at the line start, as TeX does. */
    size_t start;
    /* Index of the break item (a glue or penalty), or n (the end): the line
     * is items [start, end), plus the penalty's width if it is a penalty. */
    size_t end;
    /* Adjustment ratio r: stretch if > 0, shrink if < 0; set each glue to
     * width + r * stretch (or r * shrink). */
    double ratio;
    double natural; /* natural width of the line's content (with the hyphen's width) */
    /* Character protrusion: the line hangs `left` into the left margin and
     * `right` into the right one (its first box's lp, its last box's or
     * hyphen's rp); it was measured as natural - left - right. A line
     * looser than the tolerance (the last pass's fallback) that fills the
     * measure without them is set without them (left = right = 0). */
    double left, right;
    /* Font expansion: the line's glyphs (its items' `ex`, and its hangs)
     * are set (1 + expansion) wide; `ratio` sets the glue for the rest. */
    double expansion;
    int fitness; /* 0 very loose, 1 loose, 2 decent, 3 tight (TeX §817), as the breaker used it */
    int hyphenated; /* ends at a flagged penalty */
    /* Could not be made to fit (only when nothing else was possible): the
     * width beyond the measure, at full shrink, is in `overflow`. */
    int overfull;
    double overflow;
    /*
     * TeX badness of the line as set with its own glue (§108), 0..10000,
     * 10000 also for an overfull line. An underfull line (badness 10000,
     * as after the emergency pass) has ratio > 1, or 0 when it has no
     * stretch at all. A line with infinite stretch has ratio 0 and badness
     * 0: its finite glue keeps its natural width and its infinite glue
     * takes up the rest (width - natural).
     */
    int badness;
} qr_line;

/* Line widths: the width of line number `line` (0-based), for example a first line
 * shortened by an indent; a NULL callback means every line is `width`. */
typedef double (*qr_line_width_fn)(size_t line, void *ctx);

typedef struct qr_break_stats {
    int passes;        /* 1, 2 or 3 (emergency) */
    size_t active_max; /* largest number of active nodes at once (for profiling) */
    double demerits;   /* total demerits of the chosen breaking */
} qr_break_stats;

/*
 * Breaks items[0..n) into lines: passes as TeX's line_break (§863), each
 * keeping only breakings whose lines have badness within its limit:
 *   1. `pretolerance`, without QR_FLAG_HYPHEN breaks (skipped if < 0);
 *   2. `tolerance`, every break;
 *   3. if emergency_stretch > 0: `tolerance` again, with emergency_stretch
 *      added to every line's stretch when its badness is computed.
 * The last pass run never fails: where no line fits, it makes an overfull
 * one (TeX's artificial demerits, §854) and goes on, so the result is the
 * least bad breaking. Looseness (§875) picks, among the optimal breakings
 * of each line count, the count nearest optimum+looseness; a pass that
 * misses it leaves the choice to the next pass.
 *
 * `width` is the measure of every line when line_width is NULL (it is not
 * used otherwise). Returns the number of lines and sets *lines (owned:
 * free() it), or 0 with err set when n == 0, an argument is NULL, or a
 * width is not finite. `stats` may be NULL; `p` may be NULL for the
 * defaults. Lines are measured with the widths the items had, so a caller
 * can set each one from `ratio` alone.
 */
size_t qr_break_lines(const qr_item *items, size_t n, double width, qr_line_width_fn line_width,
                      void *ctx, const qr_break_params *p, qr_line **lines, qr_break_stats *stats,
                      qr_error *err);

#endif
