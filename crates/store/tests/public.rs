//! What cases publish, read for the public pages (`store::public`): by kind, only cases with
//! something published, searched by name (substring, Latin letters in either case) or credit
//! code (prefix), limited, and one by id. On SQLite and, when TEST_DATABASE_URL is set,
//! PostgreSQL.

use tianping_domain::{OrgKind, Role};
use tianping_store::repo::{self, EnterpriseFields, NewUser};
use tianping_store::{cases, public, Store};

async fn stores() -> Vec<(Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let s = Store::open(path.to_str().unwrap()).await.unwrap();
    let mut out = vec![(s, Some(dir))];
    match std::env::var("TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("tp_public_{}", &tianping_store::random_token()[..12]);
            let s = Store::connect_in_schema(&url, Some(&schema)).await.unwrap();
            s.migrate().await.unwrap();
            out.push((s, None));
        }
        _ => {
            if std::env::var("TIANPING_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("TIANPING_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
            }
            eprintln!("PostgreSQL skipped: TEST_DATABASE_URL is not set (SQLite only)");
        }
    }
    out
}

async fn drop_schema(s: Store) {
    if s.backend == tianping_store::Backend::Postgres {
        let schema: (String,) = tianping_store::sqlx::query_as("SELECT current_schema()::text")
            .fetch_one(&s.pool)
            .await
            .unwrap();
        tianping_store::sqlx::query(&format!("DROP SCHEMA {} CASCADE", schema.0))
            .execute(&s.pool)
            .await
            .unwrap();
    }
    s.close().await;
}

#[tokio::test]
async fn published_cases_are_listed_by_kind_searched_and_found_by_id() {
    for (s, _dir) in stores().await {
        let b = s.backend;
        let mut tx = s.begin().await.unwrap();
        let org = repo::create_org(&mut tx, OrgKind::Body, "评价机构甲")
            .await
            .unwrap();
        let u = repo::create_user(
            &mut tx,
            &NewUser {
                email: "a@b.test",
                name: "张评价",
                password_hash: "x",
                role: Role::BodyAdmin,
                org_id: Some(org.id),
                enterprise_id: None,
            },
        )
        .await
        .unwrap();
        let ent = |uscc: &str, name: &str| EnterpriseFields {
            uscc: uscc.into(),
            name: name.into(),
            ..Default::default()
        };
        let a =
            repo::create_enterprise(&mut tx, &ent("91110108MA01ABCD1X", "Acme 天平科技有限公司"))
                .await
                .unwrap();
        let c = repo::create_enterprise(&mut tx, &ent("91310000MA1FL0EX2B", "百分之50%物流公司"))
            .await
            .unwrap();
        let cap_a = cases::create(&mut tx, "capability", org.id, a.id, "{}", u.id)
            .await
            .unwrap();
        let cap_c = cases::create(&mut tx, "capability", org.id, c.id, "{}", u.id)
            .await
            .unwrap();
        let silent = cases::create(&mut tx, "capability", org.id, c.id, "{}", u.id)
            .await
            .unwrap();
        let star_a = cases::create(&mut tx, "stars", org.id, a.id, "{}", u.id)
            .await
            .unwrap();
        cases::set_public(&mut tx, cap_a, Some(r#"{"a":1}"#))
            .await
            .unwrap();
        cases::set_public(&mut tx, cap_c, Some(r#"{"c":1}"#))
            .await
            .unwrap();
        cases::set_public(&mut tx, star_a, Some(r#"{"s":1}"#))
            .await
            .unwrap();
        cases::set_public(&mut tx, silent, None).await.unwrap();
        tx.commit().await.unwrap();

        let ids = |rows: Vec<public::PublicRow>| rows.iter().map(|r| r.case_id).collect::<Vec<_>>();
        let all = public::list(&s, "capability", None, 100).await.unwrap();
        assert_eq!(
            ids(all.clone()),
            [cap_c, cap_a],
            "{b:?}: newest first, no silent case"
        );
        assert_eq!(all[1].enterprise_name, "Acme 天平科技有限公司");
        assert_eq!(all[1].uscc, "91110108MA01ABCD1X");
        assert_eq!(all[1].body_name, "评价机构甲");
        assert_eq!(all[1].public_json, r#"{"a":1}"#);
        assert_eq!(all[1].kind, "capability");
        assert_eq!(
            ids(public::list(&s, "stars", None, 100).await.unwrap()),
            [star_a]
        );
        assert!(public::list(&s, "certification", None, 100)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            ids(public::list(&s, "capability", None, 1).await.unwrap()),
            [cap_c]
        );

        let find = |q: &'static str| {
            let s = s.clone();
            async move { ids(public::list(&s, "capability", Some(q), 100).await.unwrap()) }
        };
        assert_eq!(find("天平").await, [cap_a], "{b:?}: a part of the name");
        assert_eq!(find("acme").await, [cap_a], "{b:?}: either case");
        assert_eq!(find("ACME 天平").await, [cap_a]);
        assert_eq!(find("91110108MA01ABCD1X").await, [cap_a], "the whole code");
        assert_eq!(
            find("91110108ma01").await,
            [cap_a],
            "{b:?}: a prefix, either case"
        );
        assert_eq!(find("9").await, [cap_c, cap_a], "every code starts with 9");
        assert!(
            find("MA01ABCD").await.is_empty(),
            "{b:?}: not inside the code"
        );
        assert_eq!(find("50%").await, [cap_c], "{b:?}: % is a character");
        assert!(find("%").await == [cap_c], "{b:?}: only the name holding %");
        assert!(find("_").await.is_empty(), "{b:?}: _ is a character");
        assert!(find("乙公司").await.is_empty());

        let one = public::get(&s, cap_a).await.unwrap().unwrap();
        assert_eq!(one, all[1]);
        assert_eq!(public::get(&s, silent).await.unwrap(), None);
        assert_eq!(public::get(&s, star_a + 1000).await.unwrap(), None);
        drop_schema(s).await;
    }
}
