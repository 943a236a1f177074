from django.db import migrations

DOMAINS = [
    (
        1,
        "introduction",
        "Introduction to Matrix Calculus",
        "Why machine learning needs matrix calculus; scalar, vector and matrix functions and the shapes of their "
        "derivatives; notation and the numerator and denominator layout conventions.",
    ),
    (
        2,
        "prerequisites",
        "Review of Prerequisites",
        "Vectors and matrices, products and transposes, trace and its cyclic property, determinant, inverse, "
        "rank, eigenvalues, norms, positive definiteness, and single-variable and partial derivatives.",
    ),
    (
        3,
        "derivatives-basics",
        "Matrix Derivatives Basics",
        "Derivatives of linear and quadratic forms, of a^T X b and of squared norms; derivatives with respect "
        "to vectors and matrices; differentials; the shapes of results.",
    ),
    (
        4,
        "calculus-rules",
        "Matrix Calculus Rules",
        "Sum, product and chain rules in matrix form; derivatives of traces, determinants, log-determinants "
        "and inverses; Kronecker products and vec; identities from The Matrix Cookbook.",
    ),
    (
        5,
        "gradient-jacobian-hessian",
        "Gradient, Jacobian, and Hessian",
        "Computing and interpreting gradients, Jacobians of vector functions and Hessians; Hessians of "
        "quadratics, the second-derivative test, curvature, and layout pitfalls.",
    ),
    (
        6,
        "ml-applications",
        "Applications in Machine Learning",
        "Least squares and the normal equations, ridge, logistic regression, softmax cross-entropy, "
        "backpropagation, Gaussian likelihoods, PCA, gradient descent and Newton steps.",
    ),
    (
        7,
        "practical-tools",
        "Practical Tools",
        "Finite-difference gradient checks, forward and reverse automatic differentiation, NumPy shapes and "
        "broadcasting, vectorization, and numerical stability.",
    ),
    (
        8,
        "advanced",
        "Advanced Use Cases",
        "Eigenvalue derivatives, Lagrange multipliers, the reparameterization trick, adjoint methods, matrix "
        "functions, second-order optimizers, and regularizers with their subgradients.",
    ),
]


def create_domains(apps, schema_editor):
    Domain = apps.get_model("exams", "Domain")
    for number, slug, name, description in DOMAINS:
        Domain.objects.update_or_create(number=number, defaults={"slug": slug, "name": name, "description": description})


def delete_domains(apps, schema_editor):
    apps.get_model("exams", "Domain").objects.filter(number__in=[row[0] for row in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial")]

    operations = [migrations.RunPython(create_domains, delete_domains)]
