/*
 * main.c: the command line. Options -> read the inputs into one document ->
 * write each requested format into the output folder.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
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


int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"out", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"stats", no_argument, NULL, OPT_STATS},
        {"trim", required_argument, NULL, OPT_TRIM},
        {"margins", required_argument, NULL, OPT_MARGINS},
        {"font", required_argument, NULL, OPT_FONT},
        {"font-size", required_argument, NULL, OPT_FONT_SIZE},
        {"leading", required_argument, NULL, OPT_LEADING},
        {"recto-chapters", no_argument, NULL, OPT_RECTO},
        {"break", required_argument, NULL, OPT_BREAK},
        {"no-page-list", no_argument, NULL, OPT_NO_PAGE_LIST},
        {"print", required_argument, NULL, OPT_PRINT},
        {"paper", required_argument, NULL, OPT_PAPER},
        {NULL, 0, NULL, 0},
    };
    options opt = {.out_dir = NULL, .formats = FORMAT_EPUB | FORMAT_PDF, .progress = 0};
    qr_print_options_default(&opt.print);
    int level = QR_LOG_NORMAL;

    S_install_signals();
    int c;
    /* '+': stop at the command word; its options are parsed after it. */
    while ((c = getopt_long(argc, argv, "+o:f:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'h': qr_cli_usage(stdout); return QR_EX_OK;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return QR_EX_OK;
        default: qr_cli_usage(stderr); return QR_EX_USAGE;
        }
    }
    if (optind >= argc) {
        qr_cli_usage(stderr);
        return QR_EX_USAGE;
    }
    const char *cmd = argv[optind];
    int dump;
    if (strcmp(cmd, "build") == 0)
        dump = CMD_BUILD;
    else if (strcmp(cmd, "dump") == 0)
        dump = CMD_DUMP;
    else if (strcmp(cmd, "trace") == 0)
        dump = CMD_TRACE;
    else if (strcmp(cmd, "check-print") == 0)
        return qr_cli_check_print(argc - optind - 1, argv + optind + 1);
    else {
        fprintf(stderr, "quire: error: unknown command '%s' (try 'quire --help')\n", cmd);
        return QR_EX_USAGE;
    }
    argc -= optind;
    argv += optind;
    /* 0, not 1: glibc then starts afresh, permuting again, so that options
     * may follow the folder or files (quire build DIR -o OUT) */
    optind = 0;
    while ((c = getopt_long(argc, argv, "o:f:qvhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': opt.out_dir = optarg; break;
        case 'f':
            if (qr_cli_parse_formats(optarg, &opt.formats) < 0)
                return QR_EX_USAGE;
            break;
        case OPT_STATS: opt.stats = 1; break;
        case OPT_NO_PAGE_LIST: opt.no_page_list = 1; break;
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
        case 'v': level = QR_LOG_VERBOSE; break;
        case 'h': qr_cli_usage(stdout); return QR_EX_OK;
        case 'V': printf("quire %s\n", QUIRE_VERSION); return QR_EX_OK;
        default: qr_cli_usage(stderr); return QR_EX_USAGE;
        }
    }
    qr_log_set_level(level);
    opt.progress = level >= QR_LOG_NORMAL && isatty(STDERR_FILENO);
    return qr_cli_run(dump, argc - optind, argv + optind, &opt);
}
