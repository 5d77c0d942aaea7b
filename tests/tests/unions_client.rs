//! The unions fixture's generated types, executed: discriminator dispatch, untagged
//! `anyOf`/`oneOf` (first listed variant that fits), a nullable variant, and `allOf`
//! merging. The snapshot shows the code; these tests show what it does with JSON.

use fixture_unions::types::{
    Cat, Dog, Holder, IdOrName, MaybeCat, NamedPet, Pet, Point, RepoScopeScope, Scope,
    UserScopeScope,
};
use serde_json::json;

fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
    fixture_unions::runtime::decode_json::<T>(value.to_string().as_bytes())
}

#[test]
fn discriminator_dispatches_by_tag_not_by_shape() {
    // Has `lives` (Cat's required property) but says `dog`: the tag decides.
    let pet: Pet = parse(json!({"kind": "dog", "lives": 3, "good": true})).expect("a dog");
    match pet {
        Pet::Dog(dog) => assert_eq!(dog.good, Some(true)),
        other => panic!("expected a dog, got {other:?}"),
    }
    let pet: Pet = parse(json!({"kind": "cat", "lives": 9})).expect("a cat");
    assert!(matches!(pet, Pet::Cat(cat) if cat.lives == 9));
}

#[test]
fn discriminator_refuses_an_unlisted_or_missing_tag_and_a_variant_that_does_not_fit() {
    let error = parse::<Pet>(json!({"kind": "bird"})).expect_err("no bird in the mapping");
    assert!(error.contains("unknown `kind` value `bird`"), "{error}");
    let error = parse::<Pet>(json!({"lives": 1})).expect_err("no tag");
    assert!(error.contains("kind"), "{error}");
    // Tagged `cat` but without Cat's required `lives`.
    let error = parse::<Pet>(json!({"kind": "cat"})).expect_err("a cat needs lives");
    assert!(error.contains("lives"), "{error}");
}

#[test]
fn a_tagged_union_serializes_as_its_variant() {
    let pet: Pet = parse(json!({"kind": "cat", "lives": 9})).unwrap();
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        json!({"kind": "cat", "lives": 9})
    );
}

#[test]
fn any_of_takes_the_first_listed_variant_that_fits() {
    assert_eq!(parse::<IdOrName>(json!(7)).unwrap(), IdOrName::Integer(7));
    assert_eq!(
        parse::<IdOrName>(json!("7")).unwrap(),
        IdOrName::String("7".to_owned())
    );
    assert!(
        parse::<IdOrName>(json!(1.5)).is_err(),
        "neither an integer nor a string"
    );
    assert!(
        parse::<IdOrName>(json!(null)).is_err(),
        "no variant is nullable"
    );
}

#[test]
fn one_of_with_a_nullable_object_variant() {
    let cat: MaybeCat = parse(json!({"kind": "cat", "lives": 1})).unwrap();
    assert!(matches!(cat, MaybeCat::Cat(_)), "{cat:?}");
    // Not a Cat (no `lives`): the other variant, any object.
    let other: MaybeCat = parse(json!({"kind": "cat"})).unwrap();
    assert!(matches!(other, MaybeCat::Variant1(_)), "{other:?}");
    assert!(parse::<MaybeCat>(json!("text")).is_err(), "not an object");
    // The second variant is nullable, so the union admits null: the positions that
    // hold it are `Option`s (found by executing this: a required `maybe: null` was refused).
    let holder: Holder = parse(json!({"maybe": null})).expect("null is a MaybeCat value");
    assert_eq!(holder.maybe, None);
    let holder: Holder = parse(json!({"maybe": {}})).expect("an object");
    assert!(matches!(holder.maybe, Some(MaybeCat::Variant1(_))));
}

#[test]
fn all_of_merges_the_parts_properties_and_required_lists() {
    let pet: NamedPet = parse(json!({"kind": "dog", "name": "Rex", "good": true})).unwrap();
    assert_eq!(
        (pet.kind.as_str(), pet.name.as_str(), pet.good),
        ("dog", "Rex", Some(true))
    );
    let error =
        parse::<NamedPet>(json!({"kind": "dog"})).expect_err("name is required by the second part");
    assert!(error.contains("name"), "{error}");
    let error = parse::<NamedPet>(json!({"name": "Rex"})).expect_err("kind is required by Dog");
    assert!(error.contains("kind"), "{error}");
}

#[test]
fn union_payloads_are_the_component_types() {
    // The variants hold the component structs themselves, so values move between them.
    let dog: Dog = parse(json!({"kind": "dog"})).unwrap();
    let pet = Pet::Dog(Box::new(dog.clone()));
    assert_eq!(
        serde_json::to_value(&pet).unwrap(),
        serde_json::to_value(&dog).unwrap()
    );
    let _: fn(Cat) -> Pet = |cat| Pet::Cat(Box::new(cat));
}

#[test]
fn an_untagged_union_prefers_the_variant_that_lists_the_enum_value() {
    // UserScope fits `repo` too (as an `Unknown` scope), but RepoScope lists it: a body
    // decoded the old way (first that fits) was then refused when sent (GitHub's
    // billing budgets, found by conformance).
    let scope: Scope = parse(json!({"scope": "repo", "repo": "octo/cat"})).unwrap();
    assert!(
        matches!(&scope, Scope::RepoScope(repo) if repo.scope == RepoScopeScope::Repo),
        "{scope:?}"
    );
    let scope: Scope = parse(json!({"scope": "org"})).unwrap();
    assert!(
        matches!(&scope, Scope::UserScope(user) if user.scope == UserScopeScope::Org),
        "{scope:?}"
    );
    // Listed by neither: the first variant that fits, holding the value as `Unknown`.
    let scope: Scope = parse(json!({"scope": "moon"})).unwrap();
    assert!(
        matches!(&scope, Scope::UserScope(user) if user.scope.as_str() == "moon"),
        "{scope:?}"
    );
}

#[test]
fn an_untagged_union_prefers_the_variant_that_keeps_every_property() {
    // Flat fits {x, y} by ignoring `y`; Spatial keeps it, so the value round-trips.
    let value = json!({"x": 1.5, "y": 2});
    let point: Point = parse(value.clone()).unwrap();
    assert!(matches!(point, Point::Spatial(_)), "{point:?}");
    assert_eq!(
        serde_json::to_value(&point).unwrap(),
        json!({"x": 1.5, "y": 2.0})
    );
    let point: Point = parse(json!({"x": 1})).unwrap();
    assert!(matches!(point, Point::Flat(_)), "{point:?}");
    let error = parse::<Point>(json!({"y": 1})).expect_err("x is required by both");
    assert!(
        error.contains("Flat") && error.contains("Spatial"),
        "{error}"
    );
}

#[test]
fn a_tagged_union_value_without_its_tag_is_matched_as_an_untagged_one() {
    use fixture_unions::types::Viewer;
    // GitHub's `/user` bodies leave `user_view_type` out; the members say which it is.
    let viewer: Viewer = parse(json!({"login": "o", "plan": "pro"})).expect("private");
    assert!(
        matches!(&viewer, Viewer::PrivateView(v) if v.plan == "pro"),
        "{viewer:?}"
    );
    let viewer: Viewer = parse(json!({"login": "o"})).expect("public");
    assert!(matches!(viewer, Viewer::PublicView(_)), "{viewer:?}");
    // With the tag, the tag decides, even against the shape.
    let viewer: Viewer = parse(json!({"view": "public", "login": "o", "plan": "pro"})).unwrap();
    assert!(matches!(viewer, Viewer::PublicView(_)), "{viewer:?}");
    // An unlisted tag is still refused.
    let error = parse::<Viewer>(json!({"view": "admin", "login": "o"})).unwrap_err();
    assert!(error.contains("unknown `view` value `admin`"), "{error}");
    // Neither member fits: the error names both.
    let error = parse::<Viewer>(json!({"plan": "pro"})).unwrap_err();
    assert!(
        error.contains("PrivateView") && error.contains("PublicView"),
        "{error}"
    );
}

#[test]
fn properties_next_to_a_union_belong_to_every_variant() {
    use fixture_unions::types::{CheckUpdate, LabelledPet};
    // GitHub's check-run update: `name` is written next to the `anyOf`.
    let body = json!({"name": "lint", "status": "completed", "conclusion": "success"});
    let update: CheckUpdate = parse(body.clone()).expect("a completed update");
    assert!(
        matches!(&update, CheckUpdate::Variant0(v) if v.name.as_deref() == Some("lint")),
        "{update:?}"
    );
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        body,
        "nothing dropped"
    );
    // The first member requires `conclusion`: a queued update is the second.
    let update: CheckUpdate = parse(json!({"name": "lint", "status": "queued"})).unwrap();
    assert!(matches!(&update, CheckUpdate::Variant1(v) if v.name.as_deref() == Some("lint")));
    // With `$ref` members: each variant is the member plus `label`, required next to it.
    let body = json!({"label": "Tom", "kind": "cat", "lives": 9});
    let pet: LabelledPet = parse(body.clone()).expect("a labelled cat");
    assert!(matches!(&pet, LabelledPet::Cat(cat) if cat.label == "Tom" && cat.lives == 9));
    assert_eq!(serde_json::to_value(&pet).unwrap(), body);
    let error = parse::<LabelledPet>(json!({"kind": "cat", "lives": 9})).unwrap_err();
    assert!(error.contains("label"), "{error}");
}
