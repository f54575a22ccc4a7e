/*
 * manifest_check.h: a project for book.yaml inputs, and the contract a
 * reading of one must keep. Shared by the fuzz target (fuzz_manifest.c),
 * which aborts on a broken contract, and by `make check`
 * (tests/unit/test_regress.c), which runs the seeds and the regression
 * inputs through it. Header only: every function is static.
 *
 * The project (qf_project_make) holds what the paths of a manifest can
 * name: seeds/01.txt and seeds/02.md, images/cover.png and
 * images/cover.jpg, styles/epub.css, a folder, and seeds/escape.txt, a
 * symlink to a file outside the project. An input's bytes up to its first
 * NUL are the manifest; the bytes after it, if any, become data.bin, so that
 * `cover: data.bin` hands them to the image sniffer.
 *
 * The contract (manifest.h): an error has a QR_EX_DATAERR or QR_EX_NOINPUT
 * code and a message, and one with a line names the manifest, at a line and
 * column inside it; a manifest that is read has every path inside the
 * project, a cover that is a PNG or JPEG with a size, at most
 * QR_MAX_CREATORS creators, and no more metadata than twice its own size
 * or, through aliases, QR_MANIFEST_MAX_FILE; qr_manifest_apply_meta carries it into a
 * qr_meta whose every string is read once (ASan checks them).
 */
#ifndef QF_MANIFEST_CHECK_H
#define QF_MANIFEST_CHECK_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "doc/doc.h"
#include "read/manifest.h"

/* Paths of one project: BASE/book is the project, BASE/outside.txt is not. */
typedef struct qf_project {
    char book[512], yaml[560], blob[560];
} qf_project;

static int qf_put(const char *path, const void *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = (len == 0 || fwrite(bytes, 1, len, f) == len);
    return fclose(f) == 0 && ok ? 0 : -1;
}

/* Makes the project in base (a folder that exists). 0, or -1 with errno. */
static int qf_project_make(const char *base, qf_project *p)
{
    static const char *const dirs[] = {"book", "book/seeds", "book/images", "book/styles",
                                       "book/folder"};
    static const char txt[] = "Chapter One\n\nIt was a dark night.\n";
    static const char md[] = "# Two\n\nText.\n";
    static const char css[] = "p { margin: 0 }\n";
    /* PNG: signature, then IHDR (width 3, height 2, 8-bit RGB) and IEND */
    static const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0, 0, 13,
                                        'I',  'H', 'D', 'R', 0,    0,    0,    3,    0,    0, 0, 2,
                                        8,    2,   0,   0,   0,    0x9e, 0x9b, 0x1e, 0x2e, 0, 0, 0,
                                        0,    'I', 'E', 'N', 'D',  0xae, 0x42, 0x60, 0x82};
    /* JPEG: SOI, SOF0 (height 2, width 3, 3 components), EOI */
    static const unsigned char jpg[] = {0xff, 0xd8, 0xff, 0xc0, 0,    17, 8, 0,    2, 0,    3,   3,
                                        1,    0x22, 0,    2,    0x11, 1,  3, 0x11, 1, 0xff, 0xd9};
    char path[600];
    if (strlen(base) > 400)
        return -1;
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        snprintf(path, sizeof path, "%s/%s", base, dirs[i]);
        if (mkdir(path, 0700) != 0)
            return -1;
    }
    struct {
        const char *rel;
        const void *bytes;
        size_t len;
    } files[] = {
        {"book/seeds/01.txt", txt, sizeof txt - 1},    {"book/seeds/02.md", md, sizeof md - 1},
        {"book/styles/epub.css", css, sizeof css - 1}, {"outside.txt", "secret\n", 7},
        {"book/images/cover.png", png, sizeof png},    {"book/images/cover.jpg", jpg, sizeof jpg},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        snprintf(path, sizeof path, "%s/%s", base, files[i].rel);
        if (qf_put(path, files[i].bytes, files[i].len) != 0)
            return -1;
    }
    snprintf(path, sizeof path, "%s/book/seeds/escape.txt", base);
    if (symlink("../../outside.txt", path) != 0)
        return -1;
    snprintf(p->book, sizeof p->book, "%s/book", base);
    snprintf(p->yaml, sizeof p->yaml, "%s/book.yaml", p->book);
    snprintf(p->blob, sizeof p->blob, "%s/data.bin", p->book);
    return 0;
}

/* An upper bound on the lines libyaml can count: every \n, \r, NEL, LS, PS,
 * and one more at the end of the stream (a last line without a break ends
 * with one, at the start of the next line). UTF-16 (after a BOM) has line
 * breaks of two bytes or more. */
static size_t qf_max_lines(const uint8_t *s, size_t len)
{
    if (len >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff)))
        return len / 2 + 2;
    size_t n = 2;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\n' || s[i] == '\r' || (s[i] == 0xc2 && i + 1 < len && s[i + 1] == 0x85) ||
            (s[i] == 0xe2 && i + 2 < len && s[i + 1] == 0x80 && (s[i + 2] & 0xfe) == 0xa8))
            n++;
    return n;
}

static int qf_path_ok(const qf_project *p, const qr_manifest_path *mp)
{
    size_t n = strlen(p->book);
    return mp->path && mp->rel[0] != '/' && strncmp(mp->path, p->book, n) == 0 &&
           mp->path[n] == '/' && mp->line >= 1 && mp->col >= 1;
}

/*
 * Writes the input into the project, reads the manifest, and checks the
 * contract. Returns NULL, or what was broken (a static string; `detail`
 * gets the error or value at fault).
 */
static const char *qf_manifest_check(const qf_project *p, const uint8_t *data, size_t size,
                                     char *detail, size_t detail_size)
{
    detail[0] = '\0';
    const uint8_t *nul = memchr(data, 0, size);
    size_t yaml_len = nul ? (size_t)(nul - data) : size;
    if (qf_put(p->yaml, data, yaml_len) != 0)
        return "cannot write book.yaml";
    if (!nul)
        unlink(p->blob); /* none: `cover: data.bin` names a missing file */
    else if (qf_put(p->blob, nul + 1, size - yaml_len - 1) != 0)
        return "cannot write data.bin";

    const char *broken = NULL;
    qr_arena *a = qr_arena_new();
    qr_manifest m;
    qr_error err;
    qr_error_clear(&err);
    int rc = qr_manifest_read(p->book, p->yaml, &m, a, &err);
    if (rc != 0 && rc != -1) {
        broken = "qr_manifest_read returned neither 0 nor -1";
    } else if (rc < 0) {
        snprintf(detail, detail_size, "%.400s:%d:%d: code %d: %.800s", err.file, err.line, err.col,
                 err.code, err.msg);
        if ((err.code != QR_EX_DATAERR && err.code != QR_EX_NOINPUT) || !err.msg[0])
            broken = "an error without a proper code or message";
        else if (err.line < 0 || err.col < 0 || (err.line == 0) != (err.col == 0))
            broken = "an error at a negative or half position";
        else if (err.line > 0 && (strcmp(err.file, p->yaml) != 0 ||
                                  (size_t)err.line > qf_max_lines(data, yaml_len) ||
                                  (size_t)err.col > yaml_len + 1))
            broken = "an error outside the manifest";
    } else {
        const qr_meta *mm = &m.meta;
        for (int i = 0; i < m.n_chapters && !broken; i++)
            if (!qf_path_ok(p, &m.chapters[i]))
                broken = "a chapter outside the project, or without its position";
        if ((m.stylesheet.rel && !qf_path_ok(p, &m.stylesheet)) ||
            (m.cover.rel && (!qf_path_ok(p, &m.cover) || !mm->cover_data)))
            broken = "a stylesheet or cover outside the project, or not read";
        if (mm->cover_data && (!mm->cover_type || mm->cover_len == 0 || mm->cover_width <= 0 ||
                               mm->cover_height <= 0 ||
                               (strcmp(mm->cover_type, "image/png") != 0 &&
                                strcmp(mm->cover_type, "image/jpeg") != 0)))
            broken = "a cover that is not a PNG or JPEG with a size";
        const qr_manifest_print *pr = &m.print;
        const qr_manifest_value *vals[] = {&pr->trim,   &pr->inner, &pr->outer, &pr->top,
                                           &pr->bottom, &pr->font,  &pr->size,  &pr->leading};
        for (size_t i = 0; i < sizeof vals / sizeof *vals; i++)
            if (vals[i]->s && (vals[i]->line < 1 || vals[i]->col < 1 ||
                               strlen(vals[i]->s) > QR_MANIFEST_MAX_VALUE))
                broken = "a print value without its position, or too long";
        if (mm->n_creators < 0 || mm->n_creators > QR_MAX_CREATORS || mm->n_subjects < 0)
            broken = "a count out of range";
        if (!broken) {
            qr_meta meta;
            memset(&meta, 0, sizeof meta);
            qr_manifest_apply_meta(&m, &meta);
            size_t total = 0;
            const char *strs[] = {meta.title,      meta.subtitle, meta.language,
                                  meta.identifier, meta.date,     meta.source,
                                  meta.publisher,  meta.rights,   meta.description,
                                  meta.isbn,       meta.series,   meta.series_position};
            for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
                total += strs[i] ? strlen(strs[i]) : 0;
            for (int i = 0; i < meta.n_creators; i++) {
                if (!meta.creators[i].name || !meta.creators[i].role)
                    broken = "a creator without a name or a role";
                else
                    total += strlen(meta.creators[i].name) + strlen(meta.creators[i].role);
            }
            for (int i = 0; i < meta.n_subjects; i++)
                total += strlen(meta.subjects[i]);
            snprintf(detail, detail_size, "%zu bytes of metadata from %zu bytes", total, size);
            /* twice the manifest (an ISBN becomes a URN), or what aliases
             * may reach: QR_MANIFEST_MAX_FILE */
            if (total > size * 2 + 64 && total > QR_MANIFEST_MAX_FILE + 64)
                broken = "metadata larger than the manifest";
        }
    }
    qr_arena_free(a);
    return broken;
}

#endif
