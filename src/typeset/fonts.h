/*
 * fonts.h: fonts, shaping and hyphenation for the typesetter (internal).
 *
 * One qr_fonts per book: a fontconfig configuration with the project's
 * fonts/ folder added, a Pango context at 72 dpi with hinting off (so
 * widths are the fonts' own, in points), a cache of shaped words, and the
 * hyphenation patterns of the book's language.
 */
#ifndef QR_FONTS_H
#define QR_FONTS_H

#include <hyphen.h>
#include <pango/pango.h>

#include "typeset.h"

/* QR_FACE_MONO is Noto Sans Mono (fonts/), for code; set it at
 * QR_MONO_SCALE times the body size, so that its x-height (0.536 em) comes
 * near EB Garamond's (about 0.41 em) without looking starved. */
typedef enum {
    QR_FACE_REGULAR = 0,
    QR_FACE_ITALIC = 1,
    QR_FACE_BOLD = 2,
    QR_FACE_MONO = 3
} qr_face;
#define QR_N_FACES 4
#define QR_MONO_SCALE 0.82
/* Or'ed into a face for qr_fonts_shape_string: lining, tabular figures
 * (OpenType lnum and tnum), as tables and the contents set them where the
 * body's figures are the font's own (old-style in EB Garamond). */
#define QR_FACE_LINING 0x10
/* The OpenType features of lining, tabular figures, for Pango. */
#define QR_LINING_FEATURES "lnum=1, tnum=1"
/* Or'ed into a face for a paragraph's style: in small capitals, capitals
 * and lower case alike (OpenType c2sc and smcp), where the font has them.
 * The glyphs change, not the text: copying gives the letters as written. */
#define QR_FACE_SMALL_CAPS 0x20
#define QR_SMALL_CAPS_FEATURES "c2sc=1, smcp=1"

typedef struct qr_fonts qr_fonts;

/* Owned: free with qr_fonts_free. NULL with err when the font is unknown. */
qr_fonts *qr_fonts_new(const qr_print_options *opt, const char *lang, qr_error *err);
void qr_fonts_free(qr_fonts *f);
PangoContext *qr_fonts_context(qr_fonts *f);
/* For fonts kept from one build to the next (layoutcache.c): warns again,
 * in the next build, what a new qr_fonts would (no hyphenation patterns; a
 * character no font has, once each). */
void qr_fonts_new_build(qr_fonts *f);
/* Words shaped and kept so far. */
size_t qr_fonts_n_shapes(const qr_fonts *f);
/* How many times a shape showing a character no font has was returned. */
unsigned long qr_fonts_missing_met(const qr_fonts *f);

/* Whether the face's font has the OpenType feature `tag` ("smcp") in its
 * GSUB table. */
int qr_fonts_has_feature(qr_fonts *f, int face, const char *tag);

/* Borrowed: a font description for a face at a size (points). */
PangoFontDescription *qr_fonts_desc(qr_fonts *f, int face, double size);

/*
 * Borrowed (cached for the life of f): `text` shaped with the analysis of
 * the item it belongs to (font, script, language, direction). Characters
 * that no font has get a warning, once each.
 */
const qr_shape *qr_fonts_shape(qr_fonts *f, const PangoAnalysis *analysis, const char *text,
                               int len);

/*
 * Borrowed: `text` itemized and shaped as one run of the given face and
 * size, for running heads, folios, headings of one font. Fallback fonts
 * may be used for characters the face lacks: *n_shapes gets how many
 * consecutive shapes make up the text (at most max).
 */
int qr_fonts_shape_string(qr_fonts *f, const char *text, int face, double size,
                          const qr_shape **shapes, int max);

/*
 * Hyphenation points of a word (UTF-8, as written): sets points[i] = 1 when
 * a hyphen may follow byte i. Returns the number of points (0 when the
 * language has no patterns). The word's first `left` and last `right`
 * characters are never split off.
 */
int qr_fonts_hyphenate(qr_fonts *f, const char *word, int len, char *points, int left,
                       int right);

/* Whether the book's own regular face has the character (no fallback). */
int qr_fonts_has_char(qr_fonts *f, uint32_t cp);

/*
 * Character protrusion (pdfTeX's margin kerning) of `cp` set in `font`, in
 * points: how far it hangs into the left margin at a line's start and into
 * the right one at its end. From the font's table in the fonts folder
 * (fonts/EBGaramond12.protrusion: `U+XXXX left right` a line, thousandths
 * of the character's own width, as microtype's tables); 0, 0 for a font
 * without one, or a character it has no glyph for. This function can't
 * fail.
 */
void qr_fonts_protrusion(qr_fonts *f, PangoFont *font, uint32_t cp, double *left, double *right);

/* Width in points of glyphs [g0, g1) of a shape. */
double qr_shape_width(const qr_shape *s, int g0, int g1);
/* The glyph index at which byte offset b starts a cluster, or -1 when b
 * falls inside a cluster (a ligature). */
int qr_shape_glyph_at(const qr_shape *s, int b);

#endif
