#include <git2.h>
/* git_commit_create_from_ids: a commit on a parent named by id, without parsing the parent. */
#include <git2/sys/commit.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one fixed-argument wrapper per shape. */
static inline int git_libgit2_opts_int(int option, int value) {
    return git_libgit2_opts(option, value);
}
