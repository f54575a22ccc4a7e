/* test_markdown.c: the Markdown reader (src/read/markdown.c). */
#include "../test.h"

void suite_markdown(void)
{
}
