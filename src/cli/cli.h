/*
 * cli.h: the command line's steps, one file each: options.c parses the
 * options' values (and the typo hints), inputs.c finds and reads the
 * manuscripts, build.c runs a command (build, dump, trace) on them,
 * fontlist.c knows the font families, init.c makes a new project and
 * watch.c builds again on every change. main.c ties them together.
 */
#ifndef QR_CLI_H
#define QR_CLI_H

#include <stdio.h>
#include <time.h>

#include "base/base.h"
#include "doc/doc.h"
#include "read/manifest.h"
#include "pdf/cover.h"
#include "typeset/typeset.h"

enum { FORMAT_EPUB = 1 << 0, FORMAT_PDF = 1 << 1 };
/* --from: how manuscripts are read (AUTO: by their file names) */
enum { FROM_AUTO, FROM_MARKDOWN, FROM_TEXT };

enum {
    CLI_TRIM = 1 << 0,
    CLI_MARGINS = 1 << 1,
    CLI_FONT = 1 << 2,
    CLI_FONT_SIZE = 1 << 3,
    CLI_LEADING = 1 << 4,
    CLI_EMERGENCY = 1 << 5, /* --break emergencystretch=... */
    CLI_FORMAT = 1 << 6,    /* -f */
    CLI_PROFILE = 1 << 7,
    CLI_PAPER = 1 << 8,
};

typedef struct options {
    const char *out_dir;  /* NULL: DIR/dist, or ./dist with FILEs */
    const char *out_file; /* -o NAME.epub or NAME.pdf: the one book to write */
    int formats;
    int from;  /* FROM_* */
    int check; /* --check: read, lay out and write in memory; no file written */
    /* -M key=value, in the order given (borrowed from argv) */
    const char **meta;
    int n_meta;
    int progress; /* show a progress line on stderr */
    int stats;    /* print the layout's statistics */
    /* the EPUB without the print edition's pages (--no-page-list) */
    int no_page_list;
    unsigned cli; /* CLI_* */
    /* --print pod: also the interior and the cover for a print service */
    int pod;
    int paper; /* qr_paper, for the cover's spine */
    int margins_given; /* the inner margin is the author's (manifest or --margins) */
    qr_print_options print;
} options;

/* The inputs of one book, in reading order. Owned strings. */
typedef struct inputs {
    char **paths;
    int n;
    char *project; /* the project folder, or NULL when FILEs were given */
    time_t newest; /* the newest modification time of the manifest and its files */
} inputs;

/* in the order of main.c's command words */
enum { CMD_BUILD, CMD_DUMP, CMD_TRACE, CMD_INIT, CMD_WATCH };

/* options.c: each returns 0, or -1 when the value is not understood. */
int qr_cli_parse_break(const char *arg, qr_print_options *p);
int qr_cli_parse_margins(const char *arg, qr_print_options *p);
int qr_cli_parse_points(const char *arg, double *out);
/* Prints why on stderr. */
int qr_cli_parse_formats(const char *arg, int *formats);
void qr_cli_usage(FILE *f);

/* -o PATH: a book's file name (NAME.epub, NAME.pdf, any case) picks the
 * format and the path; anything else is a folder. Returns 0, or -1 with
 * the error printed (a format that -f does not ask for). */
int qr_cli_parse_out(const char *arg, options *o);
/* The options' names for a typo's hint: the closest to `word` (without its
 * leading dashes), or NULL when none is near. Borrowed from names. */
const char *qr_cli_nearest(const char *word, const char *const *names, int n);
/* The edit distance (Levenshtein) between a and b, case-insensitive. */
int qr_cli_distance(const char *a, const char *b);

/* The name standard input goes by in diagnostics (as in gcc). */
#define QR_STDIN_NAME "<stdin>"
/* check.c: `quire check-print FILE.pdf...`: the exit status. */
int qr_cli_check_print(int argc, char **argv);

/* inputs.c: the project folder's manifest and manuscripts, or the FILEs
 * given (man's strings in the arena a); then the document read from them. */
int qr_cli_collect(int argc, char **argv, inputs *in, qr_manifest *man, qr_arena *a,
                   qr_error *err);
/* headings: the manifest's heading rules for plain text (NULL: none). */
int qr_cli_read_book(const inputs *in, int from, const qr_heading_rules *headings, qr_doc *doc,
                     time_t *newest, qr_error *err);
void qr_cli_inputs_free(inputs *in);

/* fontlist.c: prints every font family fontconfig has, with fonts_dir's,
 * one a line, sorted; returns the exit status. */
int qr_cli_list_fonts(const char *fonts_dir);
/* 0 when the family `name` is there; else -1 with err set (code, at
 * file:line:col, the message prefixed with `what`) naming the families
 * near it. */
int qr_cli_font_check(const char *name, const char *fonts_dir, int code, const char *file,
                      int line, int col, const char *what, qr_error *err);

/* build.c: where fonts/ and styles/ are (appended to out). */
void qr_cli_datadir(qr_buf *out);
/* build.c: runs command cmd (CMD_*) on its arguments; returns the exit status,
 * with the error printed. */
int qr_cli_run(int cmd, int argc, char **argv, const options *cli_opt);

/* init.c: quire init [DIR]: a new project folder (title, author: NULL for
 * placeholders). Returns the exit status, with any error printed. */
int qr_cli_init(int argc, char **argv, const char *title, const char *author);

/* watch.c: quire watch [DIR]: builds, then again on every change. */
int qr_cli_watch(int argc, char **argv, const options *opt);

#endif
