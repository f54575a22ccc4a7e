/* options.c: the values of the command line's options, and its help. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "cli/cli.h"

/*
 * --break NAME=VALUE,...: TeX's line-breaking parameters, by TeX's names
 * (tolerance=200,pretolerance=100,linepenalty=10,hyphenpenalty=50, ...).
 */
int qr_cli_parse_break(const char *arg, qr_print_options *p)
{
    static const struct {
        const char *name;
        int is_int;
        size_t offset;
        double lo, hi; /* the values taken */
    } keys[] = {
        {"tolerance", 0, offsetof(qr_break_params, tolerance), -10000, 100000},
        {"pretolerance", 0, offsetof(qr_break_params, pretolerance), -10000, 100000},
        {"linepenalty", 1, offsetof(qr_break_params, line_penalty), -10000, 100000},
        {"hyphenpenalty", 1, offsetof(qr_break_params, hyphen_penalty), -10000, 100000},
        {"exhyphenpenalty", 1, offsetof(qr_break_params, ex_hyphen_penalty), -10000, 100000},
        {"doublehyphendemerits", 1, offsetof(qr_break_params, double_hyphen_demerits), -10000,
         100000},
        {"finalhyphendemerits", 1, offsetof(qr_break_params, final_hyphen_demerits), -10000,
         100000},
        {"adjdemerits", 1, offsetof(qr_break_params, adj_demerits), -10000, 100000},
        {"looseness", 1, offsetof(qr_break_params, looseness), -10000, 100000},
        {"emergencystretch", 0, offsetof(qr_break_params, emergency_stretch), 0, 100000},
        {"protrusion", 1, offsetof(qr_break_params, protrusion), -10000, 100000},
        /* font expansion, percent of the glyphs' width (microtype's 20
         * thousandths is 2) and its step */
        {"expansion", 0, offsetof(qr_break_params, expansion), 0, 10},
        {"expansionstep", 0, offsetof(qr_break_params, expansion_step), 0.01, 10},
        {"consecutivehyphens", 1, offsetof(qr_break_params, consecutive_hyphens), 0,
         QR_HYPHEN_RUN_MAX},
    };
    char *copy = xstrdup(arg), *save = NULL;
    int rc = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && rc == 0; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        rc = -1;
        if (!eq)
            break;
        *eq = '\0';
        for (size_t i = 0; i < QR_ARRAY_LEN(keys); i++) {
            if (strcmp(tok, keys[i].name) != 0)
                continue;
            char *end;
            double v = strcmp(tok, "emergencystretch") == 0 ? qr_print_parse_length(eq + 1)
                                                            : strtod(eq + 1, &end);
            if (strcmp(tok, "emergencystretch") != 0 && (*end || end == eq + 1))
                break;
            if (!(v >= keys[i].lo && v <= keys[i].hi))
                break;
            char *field = (char *)&p->breaking + keys[i].offset;
            if (keys[i].is_int)
                *(int *)field = (int)v;
            else
                *(double *)field = v;
            rc = 0;
            break;
        }
    }
    free(copy);
    return rc;
}

/* --margins inner,outer,top,bottom (each a length: 20mm, 0.75in, 54pt). */
int qr_cli_parse_margins(const char *arg, qr_print_options *p)
{
    double v[4];
    char *copy = xstrdup(arg), *save = NULL;
    int n = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n == 4 || (v[n++] = qr_print_parse_length(tok)) < 0) {
            n = -1;
            break;
        }
    }
    free(copy);
    if (n != 4)
        return -1;
    p->inner = v[0];
    p->outer = v[1];
    p->top = v[2];
    p->bottom = v[3];
    return 0;
}

/* A size in points, from 4 to 72. */
int qr_cli_parse_points(const char *arg, double *out)
{
    double v = qr_print_parse_length(arg);
    if (v < 4 || v > 72)
        return -1;
    *out = v;
    return 0;
}

/* The print options the command line gave: they beat the manifest's. */

void qr_cli_usage(FILE *f)
{
    fputs(
        "Usage: quire build [OPTIONS] [DIR | FILE... | -]\n"
        "       quire init [DIR] [--title TITLE] [--author NAME]\n"

        "       quire watch [OPTIONS] [DIR | FILE...]\n"
        "       quire dump [--why] [DIR | FILE...]\n"
        "       quire trace [OPTIONS] [DIR | FILE...]\n"
        "       quire check-print FILE.pdf...\n"
        "       quire --help | --version | --list-fonts\n"
        "\n"
        "Packages a manuscript into an EPUB 3 e-book and a print-ready PDF.\n"
        "\n"
        "With a DIR (default: the current folder), reads DIR/seeds/* in name order\n"
        "and writes DIR/dist/<slug>.epub and .pdf; DIR/book.yaml, when there is one,\n"
        "gives the book's metadata, its chapters, cover and print settings (the options\n"
        "below beat it). With FILEs, builds one book from them, in the order given,\n"
        "into ./dist/; `-` reads one from standard input.\n"
        "\n"
        "Commands:\n"
        "  build             build the book\n"
        "  init              make a new book's folder (book.yaml, seeds/, styles/, images/)\n"

        "  watch             build, then build again whenever an input changes\n"
        "  dump              print the document model (for tests and debugging)\n"
        "  trace             print the PDF's layout as text (for tests and debugging)\n"
        "  check-print       say what a print service would refuse in a PDF\n"
        "\n"
        "Options:\n"
        "  -o, --out DIR     write the book into DIR (folders made as needed); -o NAME.epub\n"
        "                    or -o NAME.pdf writes that one file\n"
        "  -f, --format LIST formats to write, comma-separated: epub, pdf (default: both)\n"
        "  -M, --metadata KEY=VALUE  title, subtitle, author, language, date, publisher,\n"
        "                    rights, description, identifier, source (over book.yaml)\n"
        "      --from FORMAT read the manuscripts as markdown or text (default: by their\n"
        "                    names, .md and .markdown being Markdown; stdin is text)\n"
        "      --check       read, lay out and make the book, but write nothing\n"
        "      --stats       print the layout's quality: lines, spacing, hyphens, widows\n"
        "      --no-page-list  no print page numbers in the EPUB (an EPUB-only build then\n"
        "                    does not lay out the print edition)\n"
        "      --allow-outside  read files that links lead outside the project (or, for\n"
        "                    FILEs, outside their folder); refused by default\n"
        "\n"
        "Print options (the PDF edition):\n"
        "      --trim SIZE   page size: a5 (default), a4, letter, 5.5x8.5in, 6x9in, WxH\n"
        "      --margins I,O,T,B  inner, outer, top, bottom margins (default 20mm,16mm,18mm,22mm)\n"
        "      --font FAMILY body font (default EB Garamond 12; quire --list-fonts)\n"
        "      --font-size PT, --leading PT   size and baseline distance (default 11, 14)\n"
        "      --recto-chapters   open chapters on a right-hand page\n"
        "      --break NAME=VALUE,...  line breaking, with TeX's parameters: tolerance (400),\n"
        "                    pretolerance (100), linepenalty (10), hyphenpenalty (500),\n"
        "                    exhyphenpenalty (50), doublehyphendemerits (100000),\n"
        "                    finalhyphendemerits (5000), adjdemerits (10000),\n"
        "                    looseness (0), emergencystretch (1.5em),\n"
        "                    protrusion (1; 0: no character protrusion),\n"
        "                    expansion (2: glyphs up to 2% wider or narrower; 0: none),\n"
        "                    expansionstep (0.5, percent), consecutivehyphens (2: at most\n"
        "                    2 hyphenated lines in a row; 0: no limit)\n"
        "      --print pod   also <slug>-interior.pdf and <slug>-cover.pdf for a print-on-\n"
        "                    demand service (PDF/X-4, grey, trim and bleed boxes)\n"
        "      --paper white|cream|colour  the interior's paper, for the spine's width\n"
        "\n"
        "Other options:\n"
        "  -q, --quiet       print errors only\n"
        "      --color WHEN  colour in diagnostics: auto (on a terminal, unless NO_COLOR),\n"
        "                    always, never\n"
        "  -v, --verbose     say what is done, step by step\n"
        "      --why         the same: each line that became a heading, or was\n"
        "                    judged and did not, with its rule\n"
        "  -h, --help        show this help\n"
        "  -V, --version     show the version\n"
        "      --list-fonts  list the font families there are\n"
        "\n"
        "Exit status: 0 success, 64 usage error, 65 bad input, 66 missing input,\n"
        "73 cannot create output, 74 I/O error.\n",
        f);
}

int qr_cli_parse_formats(const char *arg, int *formats)
{
    int f = 0;
    char *copy = xstrdup(arg);
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "epub") == 0)
            f |= FORMAT_EPUB;
        else if (strcmp(tok, "pdf") == 0)
            f |= FORMAT_PDF;
        else {
            fprintf(stderr, "quire: error: unknown format '%s' (expected epub or pdf)\n", tok);
            free(copy);
            return -1;
        }
    }
    free(copy);
    if (!f) {
        fprintf(stderr, "quire: error: --format needs at least one format\n");
        return -1;
    }
    *formats = f;
    return 0;
}

/* Whether s ends with suffix, any case. */
static int S_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && strcasecmp(s + n - k, suffix) == 0 && s[n - k - 1] != '/';
}

int qr_cli_parse_out(const char *arg, options *o)
{
    int f = S_ends_with(arg, ".epub") ? FORMAT_EPUB : S_ends_with(arg, ".pdf") ? FORMAT_PDF : 0;
    if (!f) {
        o->out_dir = arg;
        return 0;
    }
    if ((o->cli & CLI_FORMAT) && o->formats != f) {
        fprintf(stderr,
                "quire: error: -o %s writes %s alone, but --format asks for another; give "
                "-o a folder to write several\n",
                arg, f == FORMAT_EPUB ? "the EPUB" : "the PDF");
        return -1;
    }
    o->out_file = arg;
    o->formats = f;
    return 0;
}

int qr_cli_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 200 || m > 200)
        return 1000;
    int row[201];
    for (size_t j = 0; j <= m; j++)
        row[j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= m; j++) {
            int up = row[j];
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int best = diag + (ca != cb);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

const char *qr_cli_nearest(const char *word, const char *const *names, int n)
{
    while (*word == '-')
        word++;
    char w[256];
    snprintf(w, sizeof w, "%s", word);
    char *eq = strchr(w, '=');
    if (eq)
        *eq = '\0';
    const char *best = NULL;
    int best_d = 1000;
    for (int i = 0; i < n; i++) {
        int d = qr_cli_distance(w, names[i]);
        /* a prefix is near too: --verb for --verbose */
        if (strlen(w) >= 3 && strncasecmp(names[i], w, strlen(w)) == 0)
            d = 1;
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    /* near: a third of the word's letters at most, and at least one */
    size_t len = strlen(w);
    int limit = len < 6 ? 2 : (int)len / 3 + 1;
    return best_d <= limit ? best : NULL;
}
