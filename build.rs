//! Converts the embedded phase specs (`phase_specs/*.yaml`) to JSON at build time: YAML
//! parsing is most of what loading the specs costs, and `hivegen guard` runs on every edit an
//! assistant makes. The YAML stays embedded too, for `spec show` and for precise errors.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=phase_specs");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let mut entries: Vec<_> = fs::read_dir("phase_specs")
        .expect("phase_specs/ is readable")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    entries.sort();
    let mut index = String::from("&[\n");
    for path in entries {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).expect("a spec is UTF-8");
        // A spec that does not parse is left to the YAML path, which reports it with its line.
        let json = serde_saphyr::from_str::<serde_json::Value>(&text)
            .map(|v| v.to_string())
            .unwrap_or_default();
        let target = Path::new(&out).join(format!("{name}.json"));
        fs::write(&target, json).expect("OUT_DIR is writable");
        index.push_str(&format!(
            "    (\"phase_specs/{name}\", include_str!({:?})),\n",
            target.display().to_string()
        ));
    }
    index.push_str("]\n");
    fs::write(Path::new(&out).join("specs_json.rs"), index).expect("OUT_DIR is writable");
}
