/*
 * manifest.h: the book manifest, `book.yaml` at the root of a project
 * folder (read with libyaml's document API). Every key is optional:
 *
 *   title, subtitle, author (a name, or a list of names or of
 *   {name, role} with role aut|edt|trl|ill), language, isbn, identifier,
 *   publisher, date, rights, description, subjects (a list),
 *   series {name, position}, cover (a PNG or JPEG), chapters (a list of
 *   manuscripts, in reading order), print {trim, margins {inner, outer,
 *   top, bottom}, font, size, leading}, epub {stylesheet}, accessibility
 *   {summary, features, hazards, access_modes, access_modes_sufficient,
 *   conforms_to} (the EPUB's accessibility metadata, each a text or a list
 *   of texts, replacing the writer's default for it), headings (a mapping
 *   {pattern, lines, level, rules} or a list of them: the plain-text
 *   reader's heading rules, see qr_heading_rules in read.h).
 *
 * Diagnostics are gcc style, at libyaml's marks made 1-based: an unknown
 * key is a warning; a value of the wrong type, a YAML syntax error, a value
 * longer than QR_MANIFEST_MAX_VALUE bytes or a manifest larger than
 * QR_MANIFEST_MAX_FILE bytes are errors (QR_EX_DATAERR). Paths are relative
 * to the project folder and may not leave it: `..` above it, an absolute
 * path, or a symlink that resolves outside it are errors (QR_EX_DATAERR);
 * a path that does not exist is QR_EX_NOINPUT.
 */
#ifndef QR_MANIFEST_H
#define QR_MANIFEST_H

#include "../doc/doc.h"
#include "read.h"

#define QR_MANIFEST_MAX_FILE (1024 * 1024)
#define QR_MANIFEST_MAX_VALUE (64 * 1024)
/* The largest cover image read (bytes). */
#define QR_MANIFEST_MAX_COVER (32 * 1024 * 1024)

/* A scalar value as written, with where it was written (1-based). */
typedef struct qr_manifest_value {
    const char *s; /* arena; NULL when the key was not given */
    int line, col;
} qr_manifest_value;

/* A path from the manifest, checked to stay inside the project. */
typedef struct qr_manifest_path {
    const char *rel;  /* arena: as written, relative to the project */
    const char *path; /* arena: "PROJECT/rel", the path to open */
    int line, col;
} qr_manifest_path;

/* print: the print edition's settings, as strings (the typesetter parses
 * them, and main.c reports a bad one at its line:col). */
typedef struct qr_manifest_print {
    qr_manifest_value trim;
    qr_manifest_value inner, outer, top, bottom; /* margins */
    qr_manifest_value font;
    qr_manifest_value size;
    qr_manifest_value leading;
    qr_manifest_value profile; /* "pod": the print-on-demand edition too */
    qr_manifest_value paper;   /* white, cream, colour: the cover's spine */
} qr_manifest_print;

/* accessibility: the EPUB Accessibility 1.1 metadata the author gives (lists
 * are arena arrays; NULL / 0: not given, the writer's default stands). */
typedef struct qr_manifest_a11y {
    const char *summary;
    const char **features;
    int n_features;
    const char **hazards;
    int n_hazards;
    const char **modes;
    int n_modes;
    const char **sufficient;
    int n_sufficient;
    const char *conforms_to;
} qr_manifest_a11y;

typedef struct qr_manifest {
    const char *file; /* arena: the manifest's path, as named in diagnostics */
    /* The metadata given: NULL strings and zero counts were not given.
     * cover_data/cover_len/cover_type are filled from `cover:`. */
    qr_meta meta;
    qr_manifest_path *chapters; /* arena array; n_chapters 0: not given */
    int n_chapters;
    qr_manifest_path cover;      /* cover.rel NULL: not given */
    qr_manifest_path stylesheet; /* epub.stylesheet; rel NULL: not given */
    qr_manifest_print print;
    qr_manifest_a11y a11y;
    /* headings: the author's heading rules for plain text (arena; n 0 and
     * builtin_off 0: not given). Patterns are checked to compile. */
    qr_heading_rules headings;
} qr_manifest;

/*
 * Reads the manifest at `path` (named so in diagnostics) of the project in
 * `project_dir` into m. Strings, lists and the cover's bytes live in the
 * arena `a`. Returns 0, or -1 with err set. Warnings (unknown keys) go
 * through qr_warn.
 */
int qr_manifest_read(const char *project_dir, const char *path, qr_manifest *m, qr_arena *a,
                     qr_error *err);

/*
 * Overrides the fields of `meta` (what the readers found) with the ones the
 * manifest gives. An ISBN without an `identifier:` becomes the book's unique
 * identifier (meta->identifier is cleared so the writers use the ISBN).
 * Pointers are shared with m: m's arena must outlive meta.
 */
void qr_manifest_apply_meta(const qr_manifest *m, qr_meta *meta);

#endif
