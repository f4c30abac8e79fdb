//! The construct `credential derived from a password or random bytes`, on small routes.

use super::{secret_name, CONSTRUCT};
use crate::rules::python::{FactKind, PySource};

/// The lines (1-based) of the returns the construct reports.
fn derived_returns(text: &str) -> Vec<usize> {
    let src = PySource::parse(text);
    assert!(!src.tree.root_node().has_error(), "the example parses");
    src.facts()
        .into_iter()
        .filter(|f| f.kind == FactKind::Syntax && f.name == CONSTRUCT)
        .map(|f| text[..f.span.start].matches('\n').count() + 1)
        .collect()
}

const HEAD: &str = "import base64\nimport hashlib\nfrom fastapi import APIRouter\nfrom ..models.user import User\nrouter = APIRouter()\n";

#[test]
fn a_route_returning_a_hash_of_the_password_hash_is_reported_through_names_and_helpers() {
    let text = format!(
        "{HEAD}\
def make_key(user):
    return hashlib.sha256(user.password_hash.encode()).hexdigest()
@router.post('/a')
def a(user):
    raw = f'{{user.id}}:{{user.password_hash[-16:]}}'
    key = base64.b64encode(raw.encode()).decode()
    return {{'key': key}}
@router.post('/b')
def b(user):
    return {{'key': make_key(user)}}
def c(user):
    return make_key(user)
router.add_api_route('/c', c)
def d(user):
    return make_key(user)
@router.post('/e')
def e(user):
    key = os.urandom(24).hex()
    return {{'key': key}}
"
    );
    // `d` is a helper no route is registered with: only routes hand values out.
    assert_eq!(derived_returns(&text), [12, 15, 17, 24]);
}

#[test]
fn the_account_a_hashed_model_or_a_hash_of_the_email_is_not_a_credential() {
    let text = format!(
        "{HEAD}\
@router.post('/signup')
def signup(body):
    user = User(email=body.email, password_hash=hashlib.scrypt(body.password.encode(), salt=b's', n=2, r=8, p=1).hex())
    return user
@router.post('/avatar')
def avatar(user):
    return {{'avatar': hashlib.md5(user.email.encode()).hexdigest(), 'id': user.id}}
@router.post('/plain')
def plain(user):
    return {{'hash_kind': 'scrypt', 'length': len(user.password_hash)}}
"
    );
    assert_eq!(derived_returns(&text), Vec::<usize>::new());
}

#[test]
fn secret_names_are_what_a_password_is_kept_as() {
    for name in [
        "password",
        "password_hash",
        "hashed_password",
        "pwd",
        "salt",
        "PasswordHash",
        "pw_hash",
        "secret_key",
    ] {
        assert!(secret_name(name), "{name}");
    }
    for name in [
        "email",
        "user_id",
        "display_name",
        "content_hash",
        "passport",
        "salty_name",
    ] {
        assert!(!secret_name(name), "{name}");
    }
}
