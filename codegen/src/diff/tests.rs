use super::*;

#[test]
fn bump_applies_cargo_rules() {
    assert_eq!(Bump::Major.apply("0.3.4").as_deref(), Some("0.4.0"));
    assert_eq!(Bump::Minor.apply("0.3.4").as_deref(), Some("0.3.5"));
    assert_eq!(Bump::Patch.apply("0.3.4").as_deref(), Some("0.3.5"));
    assert_eq!(Bump::Major.apply("0.0.4").as_deref(), Some("0.0.5"));
    assert_eq!(Bump::Major.apply("1.2.3").as_deref(), Some("2.0.0"));
    assert_eq!(Bump::Minor.apply("1.2.3-beta.1").as_deref(), Some("1.3.0"));
    assert_eq!(Bump::Patch.apply("1.2.3").as_deref(), Some("1.2.4"));
    assert_eq!(Bump::None.apply("1.2.3").as_deref(), Some("1.2.3"));
    assert_eq!(Bump::Major.apply("1.2"), None);
    assert_eq!(Bump::Major.apply("x.y.z"), None);
}

#[test]
fn severities_parse_and_order() {
    assert_eq!("breaking".parse::<Severity>(), Ok(Severity::Breaking));
    assert_eq!(
        "needs_review".parse::<Severity>(),
        Ok(Severity::NeedsReview)
    );
    assert_eq!(
        "Non-Breaking".parse::<Severity>(),
        Ok(Severity::NonBreaking)
    );
    assert!("bad".parse::<Severity>().is_err());
    assert!(Severity::Breaking.at_least(Severity::NeedsReview));
    assert!(!Severity::NonBreaking.at_least(Severity::NeedsReview));
}

#[test]
fn summary_respects_max_lines() {
    let change = |i: usize| Change {
        severity: Severity::NonBreaking,
        wire: Severity::NonBreaking,
        kind: ChangeKind::TypeAdded,
        location: format!("T{i}"),
        message: "type added".to_owned(),
    };
    let report = Report {
        changes: (0..10).map(change).collect(),
    };
    assert_eq!(report.summary(0), "");
    assert_eq!(report.summary(1).lines().count(), 1);
    assert_eq!(report.summary(5).lines().count(), 5);
    assert!(report.summary(5).contains("and 7 more"));
    assert_eq!(report.summary(11).lines().count(), 11);
    assert!(!report.summary(11).contains("more"));
    assert_eq!(Report::default().summary(3), "API changes: none\n");
}
