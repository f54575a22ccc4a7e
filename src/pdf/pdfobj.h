/*
 * pdfobj.h: reading back a PDF with classic cross-reference tables, the
 * kind cairo writes and quire updates (ISO 32000-1 §7.5): the objects by
 * number through the chain of updates, the newest winning; dictionaries'
 * values as spans of text; streams, inflated. No object streams, no
 * encryption: a file that has them is refused, not misread.
 */
#ifndef QR_PDFOBJ_H
#define QR_PDFOBJ_H

#include <stddef.h>

#include "../base/base.h"

typedef struct qr_pdf_file {
    const char *p;
    size_t len;
    size_t *off;        /* by object number; 0: free or absent */
    unsigned long size; /* the newest trailer's /Size */
    unsigned long root, info;
    char id[256];       /* "/ID [...]", or "" */
    size_t last_xref;   /* the newest cross-reference table's offset */
} qr_pdf_file;

/* A span of the file's text: [b, e). */
typedef struct qr_span {
    const char *b, *e;
} qr_span;

/* p[len] must be '\0' (a qr_buf's is): numbers are read with strtoul. */
int qr_pdf_file_open(qr_pdf_file *f, const char *p, size_t len, qr_error *err);
void qr_pdf_file_free(qr_pdf_file *f);

/* Object `num`'s body between "N G obj" and "endobj" (a stream's
 * dictionary and data included). Returns 0, or -1 when there is none. */
int qr_pdf_object(const qr_pdf_file *f, unsigned long num, qr_span *body);
/* The dictionary at the start of body (between its << and >>). */
int qr_pdf_dict(qr_span body, qr_span *dict);
/* The value of /key in a dictionary's inside; a reference "N 0 R" whole. */
int qr_pdf_get(qr_span dict, const char *key, qr_span *value);
/* A reference's object number ("12 0 R"), or 0. */
unsigned long qr_pdf_ref(qr_span v);
/* A number's value, or `dflt` when v is not a number. */
double qr_pdf_num(qr_span v, double dflt);
/* Whether v is the name /name. */
int qr_pdf_is_name(qr_span v, const char *name);
/* Object num's dictionary, following nothing: its inside. */
int qr_pdf_object_dict(const qr_pdf_file *f, unsigned long num, qr_span *dict);
/* Calls fn for each key and value of a dictionary's inside. */
void qr_pdf_each(qr_span dict, void (*fn)(void *ctx, qr_span key, qr_span value), void *ctx);
/* The end of the object that begins at p (a number, name, string, array,
 * dictionary, reference, keyword), past white space before it. */
const char *qr_pdf_skip(const char *p, const char *e);
/* Skips white space and comments. */
const char *qr_pdf_ws(const char *p, const char *e);
/*
 * Object num's stream data, inflated when its filter is /FlateDecode (the
 * only filter quire's files and cairo's use for content), appended to out.
 * `raw` 1: the data as stored. Returns 0, or -1 when it is not a stream or
 * cannot be read.
 */
int qr_pdf_stream(const qr_pdf_file *f, unsigned long num, int raw, qr_buf *out);

/* Appends a PDF text string of UTF-8 s: UTF-16BE in hex, with its byte
 * order mark (ISO 32000-1 §7.9.2.2). */
void qr_pdf_text_string(qr_buf *out, const char *s, size_t len);

/* Deflates data into out (zlib, level 9: the same bytes every time). */
void qr_pdf_deflate(const char *data, size_t len, qr_buf *out);

#endif
