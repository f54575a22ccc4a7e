/*
 * text_lines.c: step 1 of the plain-text reader: checking the bytes and
 * splitting them into lines.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "read.h"
#include "text_internal.h"
#include "text_reader.h"

int qr_text_is_cjk(uint32_t c)
{
    return (c >= 0x2E80 && c <= 0x2FDF) ||  /* radicals */
           (c >= 0x3000 && c <= 0x30FF) ||  /* CJK punctuation, kana */
           (c >= 0x3100 && c <= 0x31FF) ||  /* bopomofo, kana extensions */
           (c >= 0x3400 && c <= 0x4DBF) ||  /* ext. A */
           (c >= 0x4E00 && c <= 0x9FFF) ||  /* unified ideographs */
           (c >= 0xAC00 && c <= 0xD7AF) ||  /* hangul */
           (c >= 0xF900 && c <= 0xFAFF) ||  /* compatibility ideographs */
           (c >= 0xFE30 && c <= 0xFE4F) ||  /* compatibility forms */
           (c >= 0xFF00 && c <= 0xFFEF) ||  /* full-width forms */
           (c >= 0x20000 && c <= 0x3FFFF); /* supplementary ideographs */
}

/* Step 1: checking and splitting ----------------------------------------- */

/* The largest manuscript file read: its line and column numbers stay well
 * within an int, and the memory a book takes (up to ten times its text)
 * within reach. War and Peace is 3.3 MB. */
#define S_MAX_BYTES ((size_t)256 << 20)

/* Shared with the Markdown reader (read.h). */
int qr_read_check(const char *file, const char *data, size_t len, qr_error *err)
{
    int ln = 1, col = 1;
    if (len > S_MAX_BYTES)
        return qr_error_set(err, QR_EX_DATAERR, file, 0, 0,
                            "manuscript too large: %zu bytes (a file may have up to %zu MB)", len,
                            S_MAX_BYTES >> 20);
    /* NUL and control characters first: UTF-8 allows them, XML does not. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n') {
            ln++;
            col = 1;
            continue;
        }
        if (c == 0)
            return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                                "NUL byte: this is not a text file");
        if (c < 0x20 && c != '\t' && c != '\r' && c != '\f')
            return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                                "control character U+%04X is not allowed in text", c);
        if ((c & 0xC0) != 0x80)
            col++;
    }
    if (qr_utf8_check(data, len, &ln, &col) < 0)
        return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                            "invalid UTF-8 (the file must be UTF-8 encoded)");
    /* U+FFFE and U+FFFF are not characters (XML 1.0, Char). */
    ln = 1;
    col = 1;
    for (size_t i = 0; i + 2 < len; i++) {
        if (data[i] == '\n') {
            ln++;
            col = 0;
        }
        if ((unsigned char)data[i] == 0xEF && (unsigned char)data[i + 1] == 0xBF &&
            ((unsigned char)data[i + 2] == 0xBE || (unsigned char)data[i + 2] == 0xBF))
            return qr_error_set(err, QR_EX_DATAERR, file, ln, col,
                                "U+FFF%c is not a character", data[i + 2] == '\xBE' ? 'E' : 'F');
        if (((unsigned char)data[i] & 0xC0) != 0x80)
            col++;
    }
    return 0;
}

void qr_text_split_lines(reader *r, const char *data, size_t len)
{
    size_t cap = 1024;
    r->lines = xmalloc(cap * sizeof(line));
    size_t i = 0;
    int no = 1;
    while (i < len) {
        size_t start = i;
        while (i < len && data[i] != '\n' && data[i] != '\r')
            i++;
        size_t end = i;
        if (i < len && data[i] == '\r')
            i++;
        if (i < len && data[i] == '\n' && (i == end || data[i - 1] == '\r'))
            i++;
        /* trailing white space, including form feeds, is not text */
        while (end > start && (data[end - 1] == ' ' || data[end - 1] == '\t' ||
                               data[end - 1] == '\f'))
            end--;
        /* a line of ideographic spaces only is blank too */
        const char *s = data + start;
        size_t l = end - start;
        const char *t = s;
        size_t tl = l;
        qr_text_trim_left(&t, &tl);
        while (tl > 0 && *t == '\f') {
            t++;
            tl--;
        }
        if ((size_t)r->n_lines == cap) {
            cap *= 2;
            r->lines = xrealloc(r->lines, cap * sizeof(line));
        }
        r->lines[r->n_lines].s = s;
        r->lines[r->n_lines].len = tl == 0 ? 0 : l;
        r->lines[r->n_lines].no = no++;
        r->n_lines++;
    }
}
