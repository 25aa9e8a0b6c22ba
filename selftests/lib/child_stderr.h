/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * child_stderr.h - run a misuse in a child process and read what it wrote
 * to stderr: the death tests of the ffma debug, hardened and sanitizer
 * builds share it.
 */
#ifndef WELL_CHILD_STDERR_H
#define WELL_CHILD_STDERR_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/**
 * child_start() - fork a child whose stderr goes into a pipe.
 * @fd: set, in the parent, to the pipe's read end.
 *
 * Return: 0 in the child, the child's pid in the parent, -1 on failure.
 */
static inline pid_t child_start(int *fd)
{
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

/**
 * child_finish() - read a child's stderr until it ends, then reap it.
 * @pid: from child_start().
 * @fd: the read end child_start() gave.
 * @buf: where the output goes, NUL-terminated (the rest is dropped).
 * @size: bytes of @buf, at least 1.
 *
 * Return: the child's wait status, or -1 when waitpid() failed.
 */
static inline int child_finish(pid_t pid, int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int status;

	while (len < size - 1 &&
	       (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fd);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

#endif /* WELL_CHILD_STDERR_H */
