//! JUnit XML, the test report format GitHub and GitLab render: one test suite, one test case per
//! scenario and check (golden, determinism, expectations), a failure with its message.

/// One test case's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct TestCase {
    /// The scenario's name (JUnit's `classname`, prefixed `tensorsim.`).
    pub scenario: String,
    /// The check: `golden`, `determinism`, `expectations`.
    pub check: &'static str,
    /// Wall time of the check's runs.
    pub time_s: f64,
    /// `None` when it passed; else the one-line reason and the details.
    pub failure: Option<Failure>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    pub details: String,
}

/// The XML document for `cases`.
pub fn render(cases: &[TestCase]) -> String {
    let failures = cases.iter().filter(|case| case.failure.is_some()).count();
    let time_s: f64 = cases.iter().map(|case| case.time_s).sum();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!("tests=\"{}\" failures=\"{failures}\" errors=\"0\" time=\"{time_s:.3}\"", cases.len());
    xml.push_str(&format!("<testsuites name=\"tensorsim check\" {counts}>\n"));
    xml.push_str(&format!("  <testsuite name=\"tensorsim check\" {counts}>\n"));
    for case in cases {
        let attributes = format!(
            "classname=\"tensorsim.{}\" name=\"{}\" time=\"{:.3}\"",
            escape(&case.scenario),
            case.check,
            case.time_s
        );
        match &case.failure {
            None => xml.push_str(&format!("    <testcase {attributes}/>\n")),
            Some(failure) => xml.push_str(&format!(
                "    <testcase {attributes}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                escape(&failure.message),
                escape(&failure.details)
            )),
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// Text as XML character data or an attribute value. Characters XML 1.0 cannot carry at all
/// (control characters other than tab and newlines) become U+FFFD.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(c),
            c if (c as u32) < 0x20 => escaped.push('\u{FFFD}'),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(scenario: &str, check: &'static str, failure: Option<(&str, &str)>) -> TestCase {
        let failure = failure.map(|(message, details)| Failure { message: message.into(), details: details.into() });
        TestCase { scenario: scenario.into(), check, time_s: 1.5, failure }
    }

    #[test]
    fn passes_and_failures_are_counted_and_a_failure_carries_its_message() {
        let xml = render(&[
            case("baseline", "golden", None),
            case("baseline", "determinism", Some(("bytes differ", "first at uid 3"))),
        ]);
        assert!(
            xml.contains(
                "<testsuites name=\"tensorsim check\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"3.000\">"
            )
        );
        assert!(xml.contains("<testcase classname=\"tensorsim.baseline\" name=\"golden\" time=\"1.500\"/>"));
        assert!(xml.contains("<failure message=\"bytes differ\">first at uid 3</failure>"));
        assert_eq!(xml.matches("<testcase ").count(), 2);
    }

    #[test]
    fn markup_and_control_characters_in_names_and_messages_are_escaped() {
        let xml = render(&[case("a<b>&\"c\"", "golden", Some(("x < y & 'z'", "\u{1b}[31m")))]);
        assert!(xml.contains("classname=\"tensorsim.a&lt;b&gt;&amp;&quot;c&quot;\""));
        assert!(xml.contains("message=\"x &lt; y &amp; &apos;z&apos;\""));
        assert!(xml.contains(">\u{FFFD}[31m</failure>"));
    }
}
