/*
 * main.c: the command line. Options -> read the inputs into one document ->
 * write each requested format into the output folder.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/base.h"
#include "cli/cli.h"
#include "typeset/typeset.h"

#ifndef QUIRE_VERSION
#define QUIRE_VERSION "0.0.0"
#endif

enum {
    OPT_STATS = 256,
    OPT_TRIM,
    OPT_MARGINS,
    OPT_FONT,
    OPT_FONT_SIZE,
    OPT_LEADING,
    OPT_RECTO,
    OPT_BREAK,
    OPT_NO_PAGE_LIST,
    OPT_FROM,
    OPT_CHECK,
    OPT_COLOR,
    OPT_LIST_FONTS,
    OPT_TITLE,
    OPT_AUTHOR,
    OPT_ALLOW_OUTSIDE,
    OPT_WHY,
    OPT_PRINT,
    OPT_PAPER,
};

/* Signals ----------------------------------------------------------------- */

static void S_on_signal(int sig)
{
    qr_tmp_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void S_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = S_on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    /* A file-size limit (ulimit -f) must fail the write with EFBIG, not
     * kill the process with a half-written temporary file. */
    signal(SIGXFSZ, SIG_IGN);
}


/* Options -------------------------------------------------------------- */

static const struct option longopts[] = {
    {"out", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'f'},
    {"metadata", required_argument, NULL, 'M'},
    {"from", required_argument, NULL, OPT_FROM},
    {"check", no_argument, NULL, OPT_CHECK},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"color", required_argument, NULL, OPT_COLOR},
    {"list-fonts", no_argument, NULL, OPT_LIST_FONTS},
    {"stats", no_argument, NULL, OPT_STATS},
    {"trim", required_argument, NULL, OPT_TRIM},
    {"margins", required_argument, NULL, OPT_MARGINS},
    {"font", required_argument, NULL, OPT_FONT},
    {"font-size", required_argument, NULL, OPT_FONT_SIZE},
    {"leading", required_argument, NULL, OPT_LEADING},
    {"recto-chapters", no_argument, NULL, OPT_RECTO},
    {"break", required_argument, NULL, OPT_BREAK},
    {"no-page-list", no_argument, NULL, OPT_NO_PAGE_LIST},
    {"allow-outside", no_argument, NULL, OPT_ALLOW_OUTSIDE},
    {"why", no_argument, NULL, OPT_WHY},
    {"print", required_argument, NULL, OPT_PRINT},
    {"paper", required_argument, NULL, OPT_PAPER},
    {"title", required_argument, NULL, OPT_TITLE},
    {"author", required_argument, NULL, OPT_AUTHOR},
    {NULL, 0, NULL, 0},
};
#define SHORTOPTS ":o:f:M:qvhV"

/*
 * An option getopt did not take: one line, with the closest option when
 * one is near (`did you mean --format?`), not the whole help.
 */
static int S_bad_option(char **argv, int c)
{
    const char *arg = argv[optind - 1];
    if (c == ':') {
        fprintf(stderr, "quire: error: option '%s' needs a value\n", arg);
        return QR_EX_USAGE;
    }
    const char *names[QR_ARRAY_LEN(longopts)];
    int n = 0;
    for (size_t i = 0; longopts[i].name; i++)
        names[n++] = longopts[i].name;
    char shortopt[3] = {'-', (char)optopt, '\0'};
    if (optopt)
        arg = shortopt;
    const char *near = optopt ? NULL : qr_cli_nearest(arg, names, n);
    if (near)
        fprintf(stderr, "quire: error: unknown option '%s'; did you mean --%s?\n", arg, near);
    else
        fprintf(stderr, "quire: error: unknown option '%s' (see quire --help)\n", arg);
    return QR_EX_USAGE;
}

static int S_parse_color(const char *arg, int *color)
{
    if (strcmp(arg, "auto") == 0)
        *color = QR_COLOR_AUTO;
    else if (strcmp(arg, "always") == 0)
        *color = QR_COLOR_ALWAYS;
    else if (strcmp(arg, "never") == 0)
        *color = QR_COLOR_NEVER;
    else {
        fprintf(stderr, "quire: error: --color takes auto, always or never, not '%s'\n", arg);
        return -1;
    }
    return 0;
}

static int S_list_fonts(void)
{
    qr_buf dd = QR_BUF_INIT;
    qr_cli_datadir(&dd);
    qr_buf_adds(&dd, "/fonts");
    int rc = qr_cli_list_fonts(dd.ptr);
    qr_buf_release(&dd);
    return rc;
}

int main(int argc, char **argv)
{
    options opt = {.out_dir = NULL, .formats = FORMAT_EPUB | FORMAT_PDF, .progress = 0};
    qr_print_options_default(&opt.print);
    int level = QR_LOG_NORMAL, color = QR_COLOR_AUTO;
    const char *out = NULL, *title = NULL, *author = NULL;

    S_install_signals();
    opterr = 0; /* S_bad_option says it */
    int c;
    /* '+': stop at the command word; its options are parsed after it. */
    while ((c = getopt_long(argc, argv, "+" SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'h': qr_cli_usage(stdout); return QR_EX_OK;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return QR_EX_OK;
        case OPT_LIST_FONTS: return S_list_fonts();
        case OPT_COLOR:
            if (S_parse_color(optarg, &color) < 0)
                return QR_EX_USAGE;
            break;
        case 'q': level = QR_LOG_QUIET; break;
        case 'v':
        case OPT_WHY: level = QR_LOG_VERBOSE; break;
        case '?':
        case ':': return S_bad_option(argv, c);
        default:
            fprintf(stderr, "quire: error: '%s' goes after the command (quire build %s ...)\n",
                    argv[optind - 1], argv[optind - 1]);
            return QR_EX_USAGE;
        }
    }
    if (optind >= argc) {
        qr_cli_usage(stderr);
        return QR_EX_USAGE;
    }
    const char *cmd = argv[optind];
    if (strcmp(cmd, "check-print") == 0)
        return qr_cli_check_print(argc - optind - 1, argv + optind + 1);
    static const char *const commands[] = {"build", "dump", "trace", "init", "watch"};
    static const char *const hints[] = {"build", "dump", "trace", "init", "watch", "check-print"};
    int command = -1;
    for (size_t i = 0; i < QR_ARRAY_LEN(commands); i++)
        if (strcmp(cmd, commands[i]) == 0)
            command = (int)i;
    if (command < 0) {
        const char *near = qr_cli_nearest(cmd, hints, (int)QR_ARRAY_LEN(hints));
        if (near)
            fprintf(stderr, "quire: error: unknown command '%s'; did you mean %s?\n", cmd, near);
        else
            fprintf(stderr, "quire: error: unknown command '%s' (try 'quire --help')\n", cmd);
        return QR_EX_USAGE;
    }
    argc -= optind;
    argv += optind;
    /* 0, not 1: glibc then starts afresh, permuting again, so that options
     * may follow the folder or files (quire build DIR -o OUT) */
    optind = 0;
    while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'f':
            if (qr_cli_parse_formats(optarg, &opt.formats) < 0)
                return QR_EX_USAGE;
            opt.cli |= CLI_FORMAT;
            break;
        case 'M':
            opt.meta = xrealloc(opt.meta, sizeof *opt.meta * (size_t)(opt.n_meta + 1));
            opt.meta[opt.n_meta++] = optarg;
            break;
        case OPT_FROM:
            if (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0)
                opt.from = FROM_MARKDOWN;
            else if (strcmp(optarg, "text") == 0 || strcmp(optarg, "plain") == 0)
                opt.from = FROM_TEXT;
            else {
                fprintf(stderr, "quire: error: --from takes markdown or text, not '%s'\n",
                        optarg);
                return QR_EX_USAGE;
            }
            break;
        case OPT_CHECK: opt.check = 1; break;
        case OPT_COLOR:
            if (S_parse_color(optarg, &color) < 0)
                return QR_EX_USAGE;
            break;
        case OPT_LIST_FONTS: return S_list_fonts();
        case OPT_TITLE: title = optarg; break;
        case OPT_AUTHOR: author = optarg; break;
        case OPT_STATS: opt.stats = 1; break;
        case OPT_NO_PAGE_LIST: opt.no_page_list = 1; break;
        case OPT_ALLOW_OUTSIDE: qr_path_set_allow_outside(1); break;
        case OPT_PRINT:
            if (strcmp(optarg, "pod") != 0 && strcmp(optarg, "none") != 0) {
                fprintf(stderr, "quire: error: --print: unknown profile '%s' (pod or none)\n",
                        optarg);
                return QR_EX_USAGE;
            }
            opt.pod = strcmp(optarg, "pod") == 0;
            opt.cli |= CLI_PROFILE;
            break;
        case OPT_PAPER:
            if ((opt.paper = qr_paper_parse(optarg)) < 0) {
                fprintf(stderr, "quire: error: --paper: unknown paper '%s' (white, cream or "
                                "colour)\n",
                        optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= CLI_PAPER;
            break;
        case OPT_TRIM:
            if (qr_print_set_trim(&opt.print, optarg) < 0) {
                fprintf(stderr,
                        "quire: error: unknown trim size '%s' (a5, a4, letter, "
                        "5.5x8.5in, 6x9in, or WxH with a unit)\n",
                        optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= CLI_TRIM;
            break;
        case OPT_MARGINS:
            if (qr_cli_parse_margins(optarg, &opt.print) < 0) {
                fprintf(stderr,
                        "quire: error: --margins takes four lengths, inner,outer,top,"
                        "bottom (e.g. 20mm,16mm,18mm,22mm), not '%s'\n",
                        optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= CLI_MARGINS;
            break;
        case OPT_FONT:
            opt.print.font_family = optarg;
            opt.cli |= CLI_FONT;
            break;
        case OPT_FONT_SIZE:
        case OPT_LEADING:
            if (qr_cli_parse_points(optarg, c == OPT_FONT_SIZE ? &opt.print.font_size
                                                               : &opt.print.leading) < 0) {
                fprintf(stderr, "quire: error: %s takes a size from 4 to 72 pt, not '%s'\n",
                        c == OPT_FONT_SIZE ? "--font-size" : "--leading", optarg);
                return QR_EX_USAGE;
            }
            opt.cli |= c == OPT_FONT_SIZE ? CLI_FONT_SIZE : CLI_LEADING;
            break;
        case OPT_RECTO: opt.print.recto_chapters = 1; break;
        case OPT_BREAK:
            if (qr_cli_parse_break(optarg, &opt.print) < 0) {
                fprintf(stderr,
                        "quire: error: --break takes NAME=VALUE pairs, comma-separated, "
                        "with TeX's names (tolerance, pretolerance, linepenalty, "
                        "hyphenpenalty, exhyphenpenalty, doublehyphendemerits, "
                        "finalhyphendemerits, adjdemerits, looseness, "
                        "emergencystretch), not '%s'\n",
                        optarg);
                return QR_EX_USAGE;
            }
            if (strstr(optarg, "emergencystretch"))
                opt.cli |= CLI_EMERGENCY;
            break;
        case 'q': level = QR_LOG_QUIET; break;
        case 'v':
        case OPT_WHY: level = QR_LOG_VERBOSE; break;
        case 'h': qr_cli_usage(stdout); return QR_EX_OK;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return QR_EX_OK;
        default: return S_bad_option(argv, c);
        }
    }
    qr_log_set_level(level);
    qr_diag_set_color(color);
    if ((title || author) && command != CMD_INIT) {
        fprintf(stderr, "quire: error: --title and --author are for quire init; for a build, "
                        "use -M title=... -M author=...\n");
        return QR_EX_USAGE;
    }
    if (out && qr_cli_parse_out(out, &opt) < 0)
        return QR_EX_USAGE;
    opt.progress = level >= QR_LOG_NORMAL && isatty(STDERR_FILENO) && !opt.check;
    int rc;
    if (command == CMD_INIT)
        rc = qr_cli_init(argc - optind, argv + optind, title, author);
    else if (command == CMD_WATCH)
        rc = qr_cli_watch(argc - optind, argv + optind, &opt);
    else
        rc = qr_cli_run(command, argc - optind, argv + optind, &opt);
    free(opt.meta);
    return rc;
}
