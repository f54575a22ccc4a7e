/*
 * fuzz_manifest.c: libFuzzer target for the book manifest (qr_manifest_read).
 *
 * The reader takes a path, so each input is written into a project folder
 * made once per process (mkdtemp under $TMPDIR or /tmp, removed at exit):
 * its bytes up to the first NUL become book.yaml, the bytes after it
 * data.bin (see manifest_check.h for the project and for the contract).
 * Beyond crashes, sanitizer reports, leaks and time-outs, the target aborts
 * when the result breaks that contract.
 *
 *   make fuzz-manifest   (see the Makefile: FUZZ_SECONDS, the seed corpus)
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char S_base[256]; /* the mkdtemp folder */
static qf_project S_project;

static int S_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    QR_UNUSED(st);
    QR_UNUSED(flag);
    QR_UNUSED(ftw);
    return remove(path);
}

static void S_cleanup(void)
{
    if (S_base[0])
        nftw(S_base, S_rm, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    QR_UNUSED(argc);
    QR_UNUSED(argv);
    qr_log_set_level(QR_LOG_QUIET); /* no warnings on stderr */
    const char *tmp = getenv("TMPDIR");
    snprintf(S_base, sizeof S_base, "%s/fuzz_manifest.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(S_base)) {
        perror("fuzz_manifest: mkdtemp");
        exit(1);
    }
    atexit(S_cleanup);
    if (qf_project_make(S_base, &S_project) != 0) {
        perror("fuzz_manifest: cannot make the project");
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char detail[1400];
    const char *broken = qf_manifest_check(&S_project, data, size, detail, sizeof detail);
    if (broken) {
        fprintf(stderr, "fuzz_manifest: %s\n  %s\n", broken, detail);
        abort();
    }
    return 0;
}
