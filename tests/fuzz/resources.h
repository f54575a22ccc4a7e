/*
 * resources.h: the repository's stylesheet and fonts for the fuzz targets,
 * loaded once from QUIRE_DATADIR (else the current folder: run from the
 * repository's root) and kept for the life of the process.
 */
#ifndef QF_RESOURCES_H
#define QF_RESOURCES_H

#include <stdio.h>
#include <stdlib.h>

#include "base/base.h"
#include "epub/epub.h"

typedef struct qf_resources {
    qr_buf css, font[3], mono, fonts_dir;
    qr_resource style, fonts[3], code_font;
} qf_resources;

static void qf_resource_read(const char *who, const char *dir, const char *rel, qr_buf *out)
{
    qr_buf path = QR_BUF_INIT;
    qr_error err;
    qr_buf_addf(&path, "%s/%s", dir, rel);
    if (qr_read_file(path.ptr, out, &err) < 0) {
        fprintf(stderr, "%s: %s: %s (run from the repository root or set QUIRE_DATADIR)\n", who,
                path.ptr, err.msg);
        exit(1);
    }
    qr_buf_release(&path);
}

/* Loads everything into r; exits with a message naming `who` on failure. */
static void qf_resources_load(qf_resources *r, const char *who)
{
    static const char *const names[3] = {"EBGaramond12-Regular.otf", "EBGaramond12-Italic.otf",
                                         "EBGaramond12-Bold.otf"};
    const char *dir = getenv("QUIRE_DATADIR");
    if (!dir || !*dir)
        dir = ".";
    qf_resource_read(who, dir, "styles/epub.css", &r->css);
    r->style = (qr_resource){"book.css", r->css.ptr, r->css.len, "text/css"};
    for (int i = 0; i < 3; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "fonts/%s", names[i]);
        qf_resource_read(who, dir, rel, &r->font[i]);
        r->fonts[i] = (qr_resource){names[i], r->font[i].ptr, r->font[i].len, "font/otf"};
    }
    qf_resource_read(who, dir, "fonts/NotoSansMono-Regular.ttf", &r->mono);
    r->code_font = (qr_resource){"NotoSansMono-Regular.ttf", r->mono.ptr, r->mono.len, "font/ttf"};
    qr_buf_addf(&r->fonts_dir, "%s/fonts", dir);
}

#endif
