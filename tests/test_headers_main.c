/* SPDX-License-Identifier: MIT */
/* Links the generated one-header translation units; compiling them is the test. */
#include <stdio.h>

int main(void)
{
	printf("every public header compiles alone\n");
	return 0;
}
