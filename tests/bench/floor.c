/*
 * The libyaml floor of the benchmark (issue 19): reads a YAML stream (a
 * rendered output) and writes it back through libyaml's event parser and
 * emitter, with no tree and no transformation. No renderer built on
 * libyaml can read its input and write the same bytes faster, so
 * pleo-render's time divided by this one's says how much is left to gain.
 *
 *   bench-floor FILE > OUT
 */
#include <stdio.h>
#include <stdlib.h>

#include <yaml.h>

static int write_out(void *data, unsigned char *buf, size_t size)
{
    return fwrite(buf, 1, size, (FILE *)data) == size;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench-floor FILE\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    if (!in) {
        perror(argv[1]);
        return 1;
    }
    yaml_parser_t parser;
    yaml_emitter_t emitter;
    yaml_parser_initialize(&parser);
    yaml_emitter_initialize(&emitter);
    yaml_parser_set_input_file(&parser, in);
    yaml_emitter_set_output(&emitter, write_out, stdout);
    yaml_emitter_set_unicode(&emitter, 1);
    yaml_emitter_set_width(&emitter, -1);
    int rc = 0;
    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s: parse error: %s\n", argv[1], parser.problem);
            rc = 1;
            break;
        }
        int done = event.type == YAML_STREAM_END_EVENT;
        /* yaml_emitter_emit takes ownership of the event. */
        if (!yaml_emitter_emit(&emitter, &event)) {
            fprintf(stderr, "%s: emit error: %s\n", argv[1], emitter.problem);
            rc = 1;
            break;
        }
        if (done)
            break;
    }
    yaml_emitter_delete(&emitter);
    yaml_parser_delete(&parser);
    fclose(in);
    return rc;
}
