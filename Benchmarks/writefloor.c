// The floor under any site build on this machine: create the files of a built site (SRC) in a
// new folder (DST) as press's whole build does — every folder first, then the files from
// memory on two threads, each created and written once — and print the seconds that took.
// Reading SRC into memory is not timed. usage: writefloor SRC DST   (DST must not exist)
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *path;
    char *bytes;
    size_t size;
    int folder;
} Entry;

static Entry *entries;
static int count, capacity;
static const char *destination;

static void add(const char *path, int folder, char *bytes, size_t size) {
    if (count == capacity) {
        capacity = capacity ? capacity * 2 : 1024;
        entries = realloc(entries, capacity * sizeof *entries);
        if (!entries) exit(1);
    }
    entries[count++] = (Entry){strdup(path), bytes, size, folder};
}

static void readTree(const char *root, const char *relative) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    DIR *directory = opendir(path);
    if (!directory) { perror(path); exit(1); }
    struct dirent *entry;
    while ((entry = readdir(directory))) {
        if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
        char name[4096], full[8192];
        snprintf(name, sizeof name, "%s%s%s", relative, *relative ? "/" : "", entry->d_name);
        snprintf(full, sizeof full, "%s/%s", root, name);
        struct stat info;
        if (lstat(full, &info) != 0) { perror(full); exit(1); }
        if (S_ISDIR(info.st_mode)) {
            add(name, 1, NULL, 0);
            readTree(root, name);
        } else if (S_ISREG(info.st_mode)) {
            char *bytes = malloc(info.st_size + 1);
            int descriptor = open(full, O_RDONLY);
            if (!bytes || descriptor < 0 || read(descriptor, bytes, info.st_size) != info.st_size) { perror(full); exit(1); }
            close(descriptor);
            add(name, 0, bytes, info.st_size);
        }
    }
    closedir(directory);
}

static void *writeFiles(void *first) {
    for (long index = (long)first; index < count; index += 2) {
        if (entries[index].folder) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", destination, entries[index].path);
        int descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (descriptor < 0 || write(descriptor, entries[index].bytes, entries[index].size) != (ssize_t)entries[index].size) {
            perror(path);
            exit(1);
        }
        close(descriptor);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: writefloor SRC DST\n"); return 2; }
    readTree(argv[1], "");
    destination = argv[2];
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (mkdir(destination, 0755) != 0) { perror(destination); return 1; }
    for (int index = 0; index < count; index++) {
        if (!entries[index].folder) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", destination, entries[index].path);
        if (mkdir(path, 0755) != 0) { perror(path); return 1; }
    }
    pthread_t threads[2];
    for (long first = 0; first < 2; first++) pthread_create(&threads[first], NULL, writeFiles, (void *)first);
    for (int thread = 0; thread < 2; thread++) pthread_join(threads[thread], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%.3f\n", (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
