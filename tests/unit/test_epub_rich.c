/* test_epub_rich.c: lists, code, tables, images, notes and links in the EPUB. */
#include "../test.h"

void suite_epub_rich(void)
{
}
