//! The context rule on the shapes real repositories hold: each credential class the
//! scan must report, and each false-positive class it must leave alone (issue #12).

use super::*;

/// The values found in `text`, as `(strength, value, bare)`.
fn found(text: &str) -> Vec<(Strength, String, bool)> {
    let data = text.as_bytes();
    let mut out = Vec::new();
    find(data, 0, data.len(), &mut out);
    out.iter()
        .map(|f| {
            (
                f.strength,
                String::from_utf8_lossy(&data[f.value.0..f.value.1]).into_owned(),
                f.bare,
            )
        })
        .collect()
}

fn values(text: &str) -> Vec<String> {
    found(text).into_iter().map(|(_, v, _)| v).collect()
}

#[track_caller]
fn reports(text: &str, value: &str) {
    let got = values(text);
    assert!(
        got.iter().any(|v| v == value),
        "{text:?}: expected {value:?}, got {got:?}"
    );
}

#[track_caller]
fn quiet(text: &str) {
    let got = values(text);
    assert!(got.is_empty(), "{text:?}: expected nothing, got {got:?}");
}

#[test]
fn weak_passwords_in_deployment_config() {
    // compose environment entries, quoted or not, map or list form
    reports("      POSTGRES_PASSWORD: nextcloud\n", "nextcloud");
    reports("      - POSTGRES_PASSWORD=nextcloud\n", "nextcloud");
    reports("      - \"MYSQL_ROOT_PASSWORD=rootpw\"\n", "rootpw");
    reports(
        "      POSTGRES_PASSWORD: \"local_dev_password\"\n",
        "local_dev_password",
    );
    // .env and ini
    reports("DB_PASSWORD=s3cr3t-pw\n", "s3cr3t-pw");
    reports("AdminPassword=Adm1nistrator\n", "Adm1nistrator");
    reports("[database]\npassword = hunter22\n", "hunter22");
    // Kubernetes env
    reports(
        "        - name: SMTP_PASSWORD\n          value: \"mailpass1\"\n",
        "mailpass1",
    );
    // Terraform
    reports("  master_password = \"tfpassword9\"\n", "tfpassword9");
    // passphrases with spaces, `$` inside a quoted value
    reports(
        "PASSPHRASE=\"correct horse battery staple\"\n",
        "correct horse battery staple",
    );
    reports("db_password = 'pa$$w0rd'\n", "pa$$w0rd");
    // a value on the line after its key
    reports(
        "SECRET_KEY = env('SECRET_KEY',\n    'h8+xq2-zb#k9$w3@c7!u(1)v5^j0r=6m&y4n*p8d')\n",
        "h8+xq2-zb#k9$w3@c7!u(1)v5^j0r=6m&y4n*p8d",
    );
}

#[test]
fn framework_keys_and_code_literals() {
    reports(
        "SECRET_KEY = 'django-insecure-9x#2m@k!qz8&w4v$r7p^t1y6u0b3n5c'\n",
        "django-insecure-9x#2m@k!qz8&w4v$r7p^t1y6u0b3n5c",
    );
    reports(
        "app.config['SECRET_KEY'] = 'flask-dev-key-2931'\n",
        "flask-dev-key-2931",
    );
    reports("define('DB_PASSWORD', 'wpdbpass2931');\n", "wpdbpass2931");
    reports("$db_password = 'phpPassw0rd';\n", "phpPassw0rd");
    reports("if (req.body.password === 'admin123') {\n", "admin123");
    reports(
        "GITHUB_TOKEN=9f3c1e7a5b2d4086c1e9a7f35b0d2c8e4a6f1b93\n",
        "9f3c1e7a5b2d4086c1e9a7f35b0d2c8e4a6f1b93",
    );
    reports(
        "const token = process.env.TOKEN || 'Zq8Lm2Xv9Rt4Kp7Wn3Bj';\n",
        "Zq8Lm2Xv9Rt4Kp7Wn3Bj",
    );
    reports("  <password>x7mlPassw0rd</password>\n", "x7mlPassw0rd");
    reports(
        "<add key=\"ApiKey\" value=\"Qx7Lm2Zt9Rv4Kp8Wn3Bj6Hc\" />\n",
        "Qx7Lm2Zt9Rv4Kp8Wn3Bj6Hc",
    );
    reports("--password=cl1Pa55-42\n", "cl1Pa55-42");
    reports("String password = \"j4vaPassw0rd\";\n", "j4vaPassw0rd");
    reports(
        "let api_key: &str = \"Zq8Lm2Xv9Rt4Kp7Wn3Bj5\";\n",
        "Zq8Lm2Xv9Rt4Kp7Wn3Bj5",
    );
}

#[test]
fn code_is_not_a_credential() {
    quiet("declare password: CreationOptional<string>;\n");
    quiet("    result = setstropt(pwd_storage, separator+1);\n");
    quiet("    token.style = yaml_FOLDED_SCALAR_STYLE;\n");
    quiet("    password = getPassword()\n");
    quiet("if (password == null) return;\n");
    quiet("password: ${DB_PASSWORD}\n");
    quiet("password: \"{{ .Values.password }}\"\n");
    quiet("token = f\"{prefix}{token}\"\n");
    quiet("secret = \"prefix-\" + secret\n");
    // keyword arguments after a name are not its value
    quiet("connect(password=pw, version=2)\n");
}

#[test]
fn bare_values_are_marked_for_the_path_to_judge() {
    // In code `X_API_KEY = envVarExists` is an identifier; in a .env it would be the
    // literal. The finding carries `bare` and the path decides.
    let got = found("X_API_KEY = envVarExistsLongerName1\n");
    assert!(got.iter().all(|(_, _, bare)| *bare), "{got:?}");
    let got = found("password = \"quotedPass1\"\n");
    assert!(got.iter().all(|(_, _, bare)| !*bare), "{got:?}");
}

#[test]
fn names_references_and_ui_text_are_not_credentials() {
    quiet("\"LABEL_PASSWORD\": \"Wachtwoord\",\n");
    quiet("\"SHOW_PWD_TOOLTIP\": \"パスワードを表示\",\n");
    quiet("adminSecretName: \"db-admin-secret\"\n");
    quiet("secretFile: \"/etc/ceph/admin.secret\"\n");
    quiet("'MAILGUN_API_KEY': 'mail.mailgun-api-key',\n");
    quiet("<UserSecretsId>8f4a7c2e-1b3d-4e5f-9a6b-7c8d9e0f1a2b</UserSecretsId>\n");
    quiet("\"token_id\": 1234567890123456,\n");
    quiet("\"token\": \"0xdAC17F958D2ee523a2206206994597C13D831ec7\",\n");
    quiet(
        "integrity=\"sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC\"\n",
    );
    quiet("Access denied for user 'x'@'localhost' (using password: YES)\n");
    quiet("password: changeme\n");
    quiet("password: <your-password>\n");
    quiet("\"password\": \"Enter your password\",\n");
    quiet("max_tokens: 4096\n");
    quiet("Authorization: Bearer sha256:9f3c1e7a5b2d4086c1e9a7f35b0d2c8e4a6f1b9389abcdef\n");
}

#[test]
fn prose_about_a_setting_is_no_value() {
    // A note that describes a setting, inside a JSON string: the words after the
    // reference are prose, not the setting's value.
    quiet(
        r#"{"note": "SECRET_KEY_BASE: ${SECRET_KEY_BASE:-<128 hex>} random fallback used when unset"}"#,
    );
    quiet(
        r#"{"note": "compose fallback MYSQL_ROOT_PASSWORD: ${DB_ROOT_PASS:-<CamelCase words>} (placeholder wording)"}"#,
    );
}

#[test]
fn a_value_that_repeats_its_setting_name_is_a_placeholder() {
    quiet("ACCESS_TOKEN_SECRET=access_token_secret\n");
    quiet("OIDC_CLIENT_SECRET='OIDCClientSecret'\n");
    quiet("  dbPassword: db-password\n");
    // A one-word name repeated is the weakest password there is.
    reports("password: password\n", "password");
    // A different value under a many-word name is judged as usual.
    reports("ACCESS_TOKEN_SECRET=hunter2hunter\n", "hunter2hunter");
}

#[test]
fn a_quoted_name_repeated_as_its_value_is_a_placeholder() {
    quiet("{\"access_token_secret\": \"access_token_secret\"}\n");
}

#[test]
fn a_string_escape_ends_the_value() {
    // The text of a program's string: `\n` is the end of the line it writes.
    reports("DB_PASSWORD=hunter2hunter\\n\n", "hunter2hunter");
    quiet("ACCESS_TOKEN_SECRET=access_token_secret\\n\n");
}

#[test]
fn markdown_emphasis_and_match_arms_are_not_values() {
    // Found on signoff's own report snapshots and source: a bold `false` in a rendered
    // report, and a Rust match arm mapping an enum variant to its label.
    quiet("1. **does not set persist-credentials: false**<br>`artipacked`\n");
    quiet("            Area::Secrets => \"secrets\",\n");
    // The same words as real settings are still judged.
    reports("$config = ['password' => 'hunter22'];\n", "hunter22");
    reports("persist-password: s3cr3tpw**\n", "s3cr3tpw**");
}

#[test]
fn an_ellipsis_marks_text_left_out() {
    // Documentation and rule descriptions elide the value; the same line with a real
    // default is still reported.
    quiet("A credential falls back to a default value (`${DB_PASSWORD:-…}`)\n");
    quiet("password = \"s3cr…\"\n");
    reports("DB_PASSWORD=${DB_PASSWORD:-hunter22}\n", "hunter22");
}
