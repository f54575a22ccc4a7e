/* e2e_pdf_rich.c: lists, code, tables, images, notes and links in the PDF. */
#include "test.h"

void suite_pdf_rich(void)
{
}
