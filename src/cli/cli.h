/*
 * cli.h: the command line's steps, one file each: options.c parses the
 * options' values, inputs.c finds and reads the manuscripts, build.c runs
 * a command (build, dump, trace) on them. main.c ties them together.
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

enum {
    CLI_TRIM = 1 << 0,
    CLI_MARGINS = 1 << 1,
    CLI_FONT = 1 << 2,
    CLI_FONT_SIZE = 1 << 3,
    CLI_LEADING = 1 << 4,
    CLI_EMERGENCY = 1 << 5, /* --break emergencystretch=... */
    CLI_PROFILE = 1 << 6,
    CLI_PAPER = 1 << 7,
};


typedef struct options {
    const char *out_dir; /* NULL: DIR/dist, or ./dist with FILEs */
    int formats;
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

enum { CMD_BUILD, CMD_DUMP, CMD_TRACE };

/* options.c: each returns 0, or -1 when the value is not understood. */
int qr_cli_parse_break(const char *arg, qr_print_options *p);
int qr_cli_parse_margins(const char *arg, qr_print_options *p);
int qr_cli_parse_points(const char *arg, double *out);
/* Prints why on stderr. */
int qr_cli_parse_formats(const char *arg, int *formats);
void qr_cli_usage(FILE *f);

/* check.c: `quire check-print FILE.pdf...`: the exit status. */
int qr_cli_check_print(int argc, char **argv);

/* inputs.c: the project folder's manifest and manuscripts, or the FILEs
 * given (man's strings in the arena a); then the document read from them. */
int qr_cli_collect(int argc, char **argv, inputs *in, qr_manifest *man, qr_arena *a,
                   qr_error *err);
int qr_cli_read_book(const inputs *in, qr_doc *doc, time_t *newest, qr_error *err);
void qr_cli_inputs_free(inputs *in);

/* build.c: runs command cmd (CMD_*) on its arguments; returns the exit status,
 * with the error printed. */
int qr_cli_run(int cmd, int argc, char **argv, const options *cli_opt);

#endif
