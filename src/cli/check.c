/* check.c: `quire check-print FILE.pdf...`, what a print service would
 * refuse (src/pdf/pdfcheck.c). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pdf/pdfx.h"

int qr_cli_check_print(int argc, char **argv)
{
    if (argc < 1) {
        fprintf(stderr, "usage: quire check-print FILE.pdf...\n");
        return QR_EX_USAGE;
    }
    int status = QR_EX_OK;
    for (int i = 0; i < argc; i++) {
        qr_error err;
        qr_error_clear(&err);
        qr_buf data = QR_BUF_INIT;
        if (qr_read_file(argv[i], &data, &err) < 0) {
            qr_error_print(&err);
            status = err.code;
            qr_buf_release(&data);
            continue;
        }
        int n = qr_pdfx_check(argv[i], data.ptr, data.len, stderr, &err);
        if (n < 0) {
            if (!err.file[0])
                snprintf(err.file, sizeof err.file, "%s", argv[i]);
            qr_error_print(&err);
            status = QR_EX_DATAERR;
        } else if (n > 0) {
            fprintf(stderr, "%s: %d problem%s a print service would refuse\n", argv[i], n,
                    n == 1 ? "" : "s");
            status = QR_EX_DATAERR;
        } else {
            printf("%s: ready for print (PDF/X-4, boxes, fonts embedded, grey)\n", argv[i]);
        }
        qr_buf_release(&data);
    }
    return status;
}
