//! Hidden behaviour tests for `kvconf`.

use kvconf::*;

fn keys(config: &Config) -> Vec<&str> {
    config.keys().collect()
}

// --- parse_str / parse_overrides share the key-normalization run.

#[test]
fn empty_and_comment_only_documents() {
    for text in [
        "",
        "\n\n",
        "   \n\t\n",
        "# only\n; comments\n",
        "\r\n# x\r\n",
    ] {
        let config = parse_str(text).unwrap();
        assert!(config.is_empty(), "{text:?}");
        assert_eq!(config.len(), 0);
    }
}

#[test]
fn key_normalization_in_documents() {
    let cases = [
        ("a = 1", "a"),
        ("  -a = 1", "a"),
        ("a-- b = 1", "a_b"),
        ("a_ = 1", "a"),
        ("Mixed Case Key = 1", "mixed_case_key"),
        ("größe = 1", "gr_e"),
        ("a.b = 1", "a.b"),
        ("x1 = 1", "x1"),
        ("[S]\n-a = 1", "s.a"),
        ("[ Net ]\nHost Name = 1", "net.host_name"),
        ("[s]\n[]\nk = 1", "k"),
    ];
    for (text, key) in cases {
        let config = parse_str(text).unwrap();
        assert_eq!(keys(&config), vec![key], "{text:?}");
    }
}

#[test]
fn key_normalization_in_overrides() {
    let cases = [
        ("a=1", "scope.a"),
        ("  -a =1", "scope.a"),
        ("a-- b=1", "scope.a_b"),
        ("a_=1", "scope.a"),
        ("Mixed Case Key=1", "scope.mixed_case_key"),
        ("größe=1", "scope.gr_e"),
        ("Other.Key=1", "other.key"),
        ("x1=1", "scope.x1"),
    ];
    for (arg, key) in cases {
        let pairs = parse_overrides(&[arg], "scope").unwrap();
        assert_eq!(pairs[0].0, key, "{arg:?}");
    }
    assert_eq!(parse_overrides(&["k=v"], "").unwrap()[0].0, "k");
    assert!(parse_overrides(&[], "s").unwrap().is_empty());
}

#[test]
fn empty_keys_are_errors() {
    assert_eq!(parse_str("= 1"), Err(ParseError::EmptyKey { line: 1 }));
    assert_eq!(parse_str("\n---=1"), Err(ParseError::EmptyKey { line: 2 }));
    assert_eq!(
        parse_str("[s]\n = 1"),
        Err(ParseError::EmptyKey { line: 2 })
    );
    assert_eq!(parse_str("a. = 1"), Err(ParseError::EmptyKey { line: 1 }));
    assert_eq!(
        parse_overrides(&["a=1", "=2"], "s"),
        Err(ParseError::EmptyKey { line: 2 })
    );
    assert_eq!(
        parse_overrides(&["---=2"], ""),
        Err(ParseError::EmptyKey { line: 1 })
    );
    assert_eq!(
        parse_overrides(&["--=2"], "s"),
        Err(ParseError::EmptyKey { line: 1 })
    );
    assert_eq!(
        parse_overrides(&["ok=1", "noequals"], "s"),
        Err(ParseError::MissingEquals { line: 2 })
    );
}

#[test]
fn document_errors_and_line_numbers() {
    assert_eq!(
        parse_str("# c\n\na = 1\nb\n"),
        Err(ParseError::MissingEquals { line: 4 })
    );
    assert_eq!(parse_str("[open"), Err(ParseError::BadSection { line: 1 }));
    assert_eq!(
        parse_str("a = 1\r\nb = \"bad\\q\""),
        Err(ParseError::BadQuote { line: 2 })
    );
    assert_eq!(
        parse_str("a = \"dangling\\\""),
        Err(ParseError::BadQuote { line: 1 })
    );
    assert_eq!(
        ParseError::MissingEquals { line: 3 }.to_string(),
        "line 3: expected `key = value`"
    );
    assert_eq!(
        ParseError::EmptyKey { line: 1 }.to_string(),
        "line 1: empty key"
    );
}

#[test]
fn values_comments_and_quotes() {
    let text = "a =\nb = \"\"\nc = \"x # y\" # c\nd = x ; y\ne = \"q\\\"#\" # c\nf = \"\ng = x = y\nh = \"ünï\\tcode\"";
    let config = parse_str(text).unwrap();
    assert_eq!(config.get("a"), Some(""));
    assert_eq!(config.get("b"), Some(""));
    assert_eq!(config.get("c"), Some("x # y"));
    assert_eq!(config.get("d"), Some("x"));
    assert_eq!(config.get("e"), Some("q\"#"));
    assert_eq!(config.get("f"), Some("\""));
    assert_eq!(config.get("g"), Some("x = y"));
    assert_eq!(config.get("h"), Some("ünï\tcode"));
    assert_eq!(config.get("missing"), None);
}

#[test]
fn duplicates_keep_first_position() {
    let mut config = parse_str("a = 1\nb = 2\na = 3").unwrap();
    assert_eq!(keys(&config), vec!["a", "b"]);
    assert_eq!(config.get("a"), Some("3"));
    let pairs = parse_overrides(&["b= 'two' ", "c=x=y"], "").unwrap();
    assert_eq!(
        pairs,
        vec![
            ("b".to_string(), "two".to_string()),
            ("c".to_string(), "x=y".to_string())
        ]
    );
    config.apply_overrides(&pairs);
    assert_eq!(keys(&config), vec!["a", "b", "c"]);
    assert_eq!(config.get("b"), Some("two"));
}

// --- unquote (parse.rs) and string_literal (value.rs)

const QUOTE_CASES: [(&str, Option<&str>); 12] = [
    ("", Some("")),
    ("plain", Some("plain")),
    ("\"\"", Some("")),
    ("\"", Some("\"")),
    ("\"a\\nb\"", Some("a\nb")),
    ("\"\\\\\"", Some("\\")),
    ("\"\\\"\"", Some("\"")),
    ("\"x\\q\"", None),
    ("\"x\\\"", None),
    ("\"ünï\\tcode\"", Some("ünï\tcode")),
    (" \"a\" ", Some(" \"a\" ")),
    ("'single'", Some("'single'")),
];

#[test]
fn unquote_edges() {
    for (raw, expected) in QUOTE_CASES {
        assert_eq!(unquote(raw).as_deref(), expected, "{raw:?}");
    }
}

#[test]
fn string_literal_edges() {
    for (raw, expected) in QUOTE_CASES {
        assert_eq!(string_literal(raw).as_deref(), expected, "{raw:?}");
    }
}

// --- split_list (',') and split_search_path (':')

const LIST_CASES: [(&str, &[&str]); 9] = [
    ("", &[]),
    (",,,", &[]),
    (" a , ,b ", &["a", "b"]),
    ("\"a,b\",c", &["a,b", "c"]),
    ("\"unterminated, x", &["unterminated, x"]),
    ("\"\"", &[]),
    ("ä,ö", &["ä", "ö"]),
    ("a,\" \",b", &["a", "b"]),
    ("x\"y\"z", &["xyz"]),
];

#[test]
fn split_list_edges() {
    for (raw, expected) in LIST_CASES {
        assert_eq!(split_list(raw), expected, "{raw:?}");
    }
    assert_eq!(split_list("a:b,c"), vec!["a:b", "c"]);
}

#[test]
fn split_search_path_edges() {
    for (raw, expected) in LIST_CASES {
        let raw = raw.replace(',', ":");
        let expected: Vec<String> = expected.iter().map(|s| s.replace(',', ":")).collect();
        assert_eq!(split_search_path(&raw), expected, "{raw:?}");
    }
    assert_eq!(split_search_path("a:b,c"), vec!["a", "b,c"]);
}

#[test]
fn config_lists() {
    let config = parse_str("l = a, \"b, c\"\nempty =").unwrap();
    assert_eq!(config.get("l"), Some("a, \"b, c\""));
    assert_eq!(config.get_list("l"), vec!["a", "b, c"]);
    assert!(config.get_list("empty").is_empty());
    assert!(config.get_list("missing").is_empty());
}

// --- scalars

#[test]
fn parse_int_edges() {
    let cases = [
        ("", None),
        ("-", None),
        ("+", None),
        ("+5", Some(5)),
        (" 42 ", Some(42)),
        ("1_000", Some(1_000)),
        ("1__0", Some(10)),
        ("_1", None),
        ("1_", None),
        ("0x", None),
        ("0xff", Some(255)),
        ("0XAB", Some(171)),
        ("-0x10", Some(-16)),
        ("+-1", None),
        ("9223372036854775807", Some(i64::MAX)),
        ("9223372036854775808", None),
        ("-9223372036854775808", Some(i64::MIN)),
        ("-9223372036854775809", None),
        ("0x7fff_ffff_ffff_ffff", Some(i64::MAX)),
        ("-0x8000000000000000", Some(i64::MIN)),
        ("١٢", None),
        ("1.5", None),
    ];
    for (raw, expected) in cases {
        assert_eq!(parse_int(raw), expected, "{raw:?}");
    }
}

#[test]
fn parse_bool_edges() {
    for raw in ["TRUE", " on ", "Yes"] {
        assert_eq!(parse_bool(raw), Some(true), "{raw:?}");
    }
    for raw in ["false", "OFF", "no"] {
        assert_eq!(parse_bool(raw), Some(false), "{raw:?}");
    }
    for raw in ["", "1", "0", "y", "truee"] {
        assert_eq!(parse_bool(raw), None, "{raw:?}");
    }
}

#[test]
fn typed_values() {
    assert_eq!(Value::parse("[]"), Value::List(vec![]));
    assert_eq!(Value::parse(" [ a ] "), Value::List(vec!["a".into()]));
    assert_eq!(Value::parse("on"), Value::Bool(true));
    assert_eq!(Value::parse("0x10"), Value::Int(16));
    assert_eq!(Value::parse("\"42\""), Value::Text("42".into()));
    assert_eq!(Value::parse("\"bad\\q\""), Value::Text("\"bad\\q\"".into()));
    assert_eq!(Value::parse(""), Value::Text(String::new()));
    assert_eq!(Value::parse("  x  "), Value::Text("x".into()));
    assert_eq!(
        Value::parse("9223372036854775808"),
        Value::Text("9223372036854775808".into())
    );
    let config = parse_str("n = -7\nflag = no").unwrap();
    assert_eq!(config.get_value("n"), Some(Value::Int(-7)));
    assert_eq!(config.get_int("flag"), None);
    assert_eq!(config.get_bool("flag"), Some(false));
    assert_eq!(config.get_value("missing"), None);
}

// --- expansion

#[test]
fn expand_vars_edges() {
    let vars = [("A", "1"), ("HOME", "/h"), ("HOME_DIR", "/hd"), ("A", "2")];
    let cases = [
        ("", ""),
        ("$", "$"),
        ("a$", "a$"),
        ("$$", "$"),
        ("$$HOME", "$HOME"),
        ("${}", ""),
        ("${UNTERMINATED", "${UNTERMINATED"),
        ("$1", "$1"),
        ("$ {A}", "$ {A}"),
        ("$HOME_DIR/x", "/hd/x"),
        ("${HOME}_DIR", "/h_DIR"),
        ("$UNKNOWN!", "!"),
        ("$A", "2"),
        ("€$A€", "€2€"),
        ("${A}${A}", "22"),
    ];
    for (text, expected) in cases {
        assert_eq!(expand_vars(text, &vars), expected, "{text:?}");
    }
    assert_eq!(expand_vars("$A", &[]), "");
}

#[test]
fn config_expand() {
    let mut config = parse_str("path = ${ROOT}/bin\nplain = $$5").unwrap();
    config.expand(&[("ROOT", "/opt")]);
    assert_eq!(config.get("path"), Some("/opt/bin"));
    assert_eq!(config.get("plain"), Some("$5"));
}
