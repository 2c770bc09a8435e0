import CYaml

/// Finds the first YAML anchor or alias in `text`, reading libyaml's events only (no nodes are
/// built, so a document made to expand into billions of values costs no more than its length).
/// Returns the 0-based line and column of the first one, or nil.
func firstAnchorOrAlias(in text: String) -> (line: Int, column: Int)? {
    var parser = yaml_parser_t()
    guard yaml_parser_initialize(&parser) == 1 else { return nil }
    defer { yaml_parser_delete(&parser) }
    var bytes = Array(text.utf8)
    return bytes.withUnsafeMutableBufferPointer { buffer -> (Int, Int)? in
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            let mark = (Int(event.start_mark.line), Int(event.start_mark.column))
            switch event.type {
            case YAML_STREAM_END_EVENT: return nil
            case YAML_ALIAS_EVENT: return mark
            case YAML_SCALAR_EVENT where event.data.scalar.anchor != nil: return mark
            case YAML_SEQUENCE_START_EVENT where event.data.sequence_start.anchor != nil: return mark
            case YAML_MAPPING_START_EVENT where event.data.mapping_start.anchor != nil: return mark
            default: continue
            }
        }
        // A syntax error: the parser proper reports it, with its position.
        return nil
    }
}
