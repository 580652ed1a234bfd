// `sqlx::migrate!` embeds the migration folders at compile time; rebuild when they change
// (a new migration file is otherwise not seen until something else changes).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
