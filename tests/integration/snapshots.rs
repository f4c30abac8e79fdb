//! The generated HiveSync trees, file by file, as insta snapshots: read them before accepting.

use crate::support::Env;

fn snapshot_tree(env: &Env, prefix: &str, files: &[String]) {
    for file in files {
        let name = format!("{prefix}__{}", file.replace('/', "__"));
        insta::assert_snapshot!(name, env.read(file));
    }
}

#[test]
fn phase_c_and_phase_d_trees() {
    let env = Env::new();
    env.run(&["phase", "c"]).success();
    let scaffold = env.files("");
    snapshot_tree(&env, "phase_c", &scaffold);
    env.run(&["phase", "d"]).success();
    let filled: Vec<String> = env
        .files("")
        .into_iter()
        .filter(|f| env.read(f).contains("phase=d sha256=") || f.starts_with("docs/"))
        .collect();
    snapshot_tree(&env, "phase_d", &filled);
}
