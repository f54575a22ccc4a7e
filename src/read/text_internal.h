/*
 * text_internal.h: pieces of the plain-text reader exposed for unit tests.
 */
#ifndef QR_TEXT_INTERNAL_H
#define QR_TEXT_INTERNAL_H

#include <stdint.h>

#include "../base/base.h"

/* Whether c is a CJK character (ideographs, kana, hangul, CJK punctuation,
 * full-width forms): wrapped lines join without a space next to these. */
int qr_text_is_cjk(uint32_t c);

/*
 * Appends s[0..len) to out with straight quotes curled, "--" as an em dash
 * and "..." as an ellipsis. `prev` is the code point before s (0 at the
 * start of a paragraph), for deciding whether a quote opens or closes.
 */
void qr_text_smarten(const char *s, size_t len, uint32_t prev, qr_buf *out);

/* What a one- or two-line block is, judged by its words alone. */
typedef enum {
    QR_HEADING_NONE = 0,
    QR_HEADING_PART,    /* BOOK ONE: 1805, PART II, FIRST EPILOGUE */
    QR_HEADING_CHAPTER, /* CHAPTER 1. Loomings., Chapter I, Letter 4, I. A SCANDAL */
    QR_HEADING_SECTION, /* a lone roman numeral: "II." */
} qr_heading_kind;

qr_heading_kind qr_text_heading_kind(const char *s, size_t len);

/* Appends the form of a heading or contents entry used to match one with
 * the other: spaces collapsed, ASCII upper-cased, periods ending words dropped. */
void qr_text_normalize(const char *s, size_t len, qr_buf *out);

#endif
