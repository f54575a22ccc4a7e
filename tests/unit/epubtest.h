/*
 * epubtest.h: helpers the EPUB unit suites share (epubtest.c): building
 * documents, reading an EPUB held in memory, XPath checks on its XML.
 */
#ifndef QR_EPUBTEST_H
#define QR_EPUBTEST_H

#include <stdlib.h>
#include <time.h>

#include "../test.h"
#include "doc/doc.h"
#include "epub/epub.h"

/* The repository's stylesheet and fonts (the runner runs from its root):
 * EB Garamond's three faces and Noto Sans Mono. */
typedef struct qt_epub_res {
    qr_buf css, font[3], mono;
    qr_resource style, fonts[3], code_font;
} qt_epub_res;

/* 0, or -1 after failing the case; free with qt_epub_res_free either way. */
int qt_epub_res_load(qt_epub_res *r);
void qt_epub_res_free(qt_epub_res *r);
/* Writer options with them; the code font only when `code_font`. */
qr_epub_options qt_epub_res_options(const qt_epub_res *r, time_t modified, int code_font);

/* Text into the open container; a paragraph; a heading of `level`. */
void qt_text(qr_builder *b, const char *s);
void qt_para(qr_builder *b, const char *s);
void qt_heading(qr_builder *b, int level, const char *s);

/* Reads entry `name` of the zip held in `zip` into out (and its
 * compression method into *method, when not NULL); 0 or -1. */
int qt_zip_entry_mem(const qr_buf *zip, const char *name, qr_buf *out, int *method);

/* Owned: the value of an XPath string expression over the XML in xml, with
 * the prefixes h (XHTML), epub, opf, dc and ncx. */
char *qt_xpath(const qr_buf *xml, const char *expr);

#define CHECK_XPATH(xml, expr, expected)                                                           \
    do {                                                                                           \
        char *qt_v_ = qt_xpath((xml), (expr));                                                     \
        if (strcmp(qt_v_, (expected)) != 0)                                                        \
            qt_fail(__FILE__, __LINE__, "%s:\n  got:      \"%s\"\n  expected: \"%s\"", (expr),     \
                    qt_v_, (expected));                                                            \
        free(qt_v_);                                                                               \
    } while (0)

#endif
